package dev.psyarn.am;

import dev.psyarn.spec.Role;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptId;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.ContainerState;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;

/** Real YARN records for containers the ResourceManager would hand out, for unit tests. */
final class Containers {

  static final ApplicationAttemptId ATTEMPT =
      ApplicationAttemptId.newInstance(ApplicationId.newInstance(1_700_000_000_000L, 1), 1);

  private Containers() {}

  static ContainerId id(long n) {
    return ContainerId.newContainerId(ATTEMPT, n);
  }

  static Container of(long n, Role role) {
    Container c = Container.newInstance(id(n), NodeId.newInstance("node" + n % 2, 8041), "node" + n % 2 + ":8042",
        Resource.newInstance(128, 1), Priority.newInstance(role.ordinal()), null);
    c.setAllocationRequestId(RoleAllocator.allocationRequestId(role));
    return c;
  }

  /** A container YARN gives for an allocation request of the AM's own numbering (a replacement's). */
  static Container forRequest(long n, long allocationRequestId) {
    Container c = Container.newInstance(id(n), NodeId.newInstance("node" + n % 2, 8041), "node" + n % 2 + ":8042",
        Resource.newInstance(128, 1), Priority.newInstance(1), null);
    c.setAllocationRequestId(allocationRequestId);
    return c;
  }

  static ContainerStatus exited(long n, int exitCode, String diagnostics) {
    return ContainerStatus.newInstance(id(n), ContainerState.COMPLETE, diagnostics,
        exitCode == 0 ? ContainerExitStatus.SUCCESS : exitCode);
  }
}
