package dev.psyarn.am;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.api.records.SchedulingRequest;
import org.apache.hadoop.yarn.client.api.AMRMClient;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * The allocator's asks, made on the AMRM client that the asynchronous client heartbeats with (its
 * methods are thread-safe), so the allocator can be built before that client's callbacks.
 */
final class AmRmScheduler implements RoleAllocator.Scheduler {

  private final AMRMClient<ContainerRequest> rm;
  private final boolean portInNodeName;
  private final int minimumMb;
  private final AllocationPace pace;
  /**
   * Whether the scheduler counts vcores: its resource calculator's types, as the AM's registration
   * tells them ({@link #registered}); until then, as if it did.
   */
  private volatile boolean countsVcores = true;

  AmRmScheduler(AMRMClient<ContainerRequest> rm, Configuration conf, AllocationPace pace) {
    this.rm = rm;
    this.pace = pace;
    // The scheduler names nodes with their port where it is told to (several NodeManagers a host).
    this.portInNodeName = conf.getBoolean(YarnConfiguration.RM_SCHEDULER_INCLUDE_PORT_IN_NODE_NAME,
        YarnConfiguration.DEFAULT_RM_SCHEDULER_USE_PORT_FOR_NODE_NAME);
    this.minimumMb = conf.getInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB,
        YarnConfiguration.DEFAULT_RM_SCHEDULER_MINIMUM_ALLOCATION_MB);
  }

  @Override
  public int minimumAllocationMb() {
    return minimumMb;
  }

  @Override
  public void request(ContainerRequest request) {
    rm.addContainerRequest(request);
  }

  @Override
  public void waiting(boolean any) {
    pace.waiting(any);
  }

  @Override
  public void withdraw(ContainerRequest request) {
    rm.removeContainerRequest(request);
  }

  @Override
  public void release(ContainerId container) {
    rm.releaseAssignedContainer(container);
  }

  @Override
  public void schedule(SchedulingRequest request) {
    rm.addSchedulingRequests(List.of(request));
  }

  @Override
  public void blacklist(String node) {
    // The client edits the lists it is given.
    rm.updateBlacklist(new ArrayList<>(List.of(node)), new ArrayList<>());
  }

  @Override
  public String nodeName(NodeId node) {
    return portInNodeName ? node.toString() : node.getHost();
  }

  @Override
  public int clusterNodes() {
    return rm.getClusterNodeCount();
  }

  /**
   * What the scheduler counts, from the AM's registration: one that counts memory only (the
   * CapacityScheduler's default calculator) gives containers the vcores they ask for whatever its
   * headroom's vcores say, as MapReduce's allocator reads it too.
   */
  void registered(java.util.EnumSet<org.apache.hadoop.yarn.proto.YarnServiceProtos.SchedulerResourceTypes> types) {
    countsVcores = types == null || types.contains(
        org.apache.hadoop.yarn.proto.YarnServiceProtos.SchedulerResourceTypes.CPU);
  }

  /** YARN's headroom; its vcores unbounded when the scheduler does not count them ({@link #registered}). */
  @Override
  public org.apache.hadoop.yarn.api.records.Resource headroom() {
    org.apache.hadoop.yarn.api.records.Resource r = rm.getAvailableResources();
    if (r == null || (r.getMemorySize() == 0 && r.getVirtualCores() == 0)) {
      return null;
    }
    return countsVcores ? r : org.apache.hadoop.yarn.api.records.Resource.newInstance(r.getMemorySize(), Integer.MAX_VALUE);
  }
}
