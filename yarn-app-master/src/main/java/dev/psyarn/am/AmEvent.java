package dev.psyarn.am;

import dev.psyarn.ps.transport.RequestHandler.Reply;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.event.AbstractEvent;

/** Everything that can happen to the AM, as events its lifecycle handles one at a time. */
class AmEvent extends AbstractEvent<AmEvent.Type> {

  enum Type {
    PREPROCESSED,
    PREPROCESS_FAILED,
    CONTAINERS_ALLOCATED,
    CONTAINER_STARTED,
    CONTAINER_START_FAILED,
    CONTAINER_REGISTERED,
    WORKER_FINISHED,
    CONTAINER_COMPLETED,
    STOP_TIMEOUT,
    PENDING_CHECK,
    /** Time to check every container's heartbeats, registration and allocation. */
    LIVENESS_CHECK,
    /** A failed container's backoff has passed: ask for its replacement. */
    RESTART_DUE,
    /**
     * Time to look at YARN's headroom again: whether the servers can start while preprocessing runs
     * ({@link EarlyServers}), or the next roles be asked for ahead ({@link RoleAllocator#askAhead}).
     */
    HEADROOM_CHECK,
    SHUTDOWN_REQUESTED,
    /** The owner (psyarn kill) or YARN (a SIGTERM to the AM) ends the job as KILLED. */
    KILL_REQUESTED,
    FATAL_ERROR
  }

  AmEvent(Type type) {
    super(type);
  }

  static final class Allocated extends AmEvent {
    final List<Container> containers;

    Allocated(List<Container> containers) {
      super(Type.CONTAINERS_ALLOCATED);
      this.containers = containers;
    }
  }

  static final class ContainerEvent extends AmEvent {
    final String containerId;
    final String detail;

    ContainerEvent(Type type, String containerId, String detail) {
      super(type);
      this.containerId = containerId;
      this.detail = detail;
    }
  }

  static final class Registered extends AmEvent {
    final String containerId;
    final String role;
    final int index;
    final String host;
    final int port;
    final Reply reply;

    Registered(String containerId, String role, int index, String host, int port, Reply reply) {
      super(Type.CONTAINER_REGISTERED);
      this.containerId = containerId;
      this.role = role;
      this.index = index;
      this.host = host;
      this.port = port;
      this.reply = reply;
    }
  }

  static final class WorkerFinished extends AmEvent {
    final String containerId;
    final WorkerReport report;

    WorkerFinished(String containerId, WorkerReport report) {
      super(Type.WORKER_FINISHED);
      this.containerId = containerId;
      this.report = report;
    }
  }

  static final class Completed extends AmEvent {
    final ContainerStatus status;

    Completed(ContainerStatus status) {
      super(Type.CONTAINER_COMPLETED);
      this.status = status;
    }
  }

  /** A slot (a role and an index) whose replacement is due. */
  static final class RestartDue extends AmEvent {
    final dev.psyarn.spec.Role role;
    final int index;

    RestartDue(dev.psyarn.spec.Role role, int index) {
      super(Type.RESTART_DUE);
      this.role = role;
      this.index = index;
    }
  }

  static final class Fatal extends AmEvent {
    final String diagnostics;

    Fatal(Type type, String diagnostics) {
      super(type);
      this.diagnostics = diagnostics;
    }
  }
}
