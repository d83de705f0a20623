package dev.psyarn.am;

import dev.psyarn.spec.Role;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;

/**
 * Why a container ended, read from YARN's exit status and diagnostics (as Spark's YarnAllocator
 * does) or from what the AM itself did to it. Each reason says whether it is the application's
 * fault: faults of the cluster (preemption, a lost node, failed disks) never count against a
 * role's restart limit.
 */
public enum ExitReason {
  /** Exit 0. */
  EXITED_CLEANLY(false, "exited with code 0"),
  /** The scheduler took the container back for another application. */
  PREEMPTED(false, "was preempted by the scheduler"),
  /** Its node was lost or decommissioned, or the container was aborted with it. */
  NODE_LOST(false, "was lost with its node (aborted)"),
  /** The node's disks failed. */
  DISKS_FAILED(false, "was lost to failed disks on its node"),
  /** An opportunistic container was killed to make room. */
  KILLED_BY_SCHEDULER(false, "was killed by the node's container scheduler to make room"),
  /** Killed for going over its physical memory. */
  EXCEEDED_PHYSICAL_MEMORY(true, "exceeded its physical memory limit"),
  /** Killed for going over its virtual memory. */
  EXCEEDED_VIRTUAL_MEMORY(true, "exceeded its virtual memory limit"),
  /** Its heartbeats stopped and the AM killed it. */
  HUNG(true, "stopped sending heartbeats and was killed as hung"),
  /** It started but never registered with the AM in time, and the AM killed it. */
  NEVER_REGISTERED(true, "never registered with the ApplicationMaster and was killed"),
  /** The ResourceManager killed it (the application or the container was killed). */
  KILLED_BY_RESOURCEMANAGER(false, "was killed by the ResourceManager"),
  /** The AM stopped it for another reason (flex, the job ending). */
  KILLED_BY_APPMASTER(false, "was stopped by the ApplicationMaster"),
  /** The NodeManager killed it for writing too much log. */
  EXCEEDED_LOG_LIMIT(true, "wrote more logs than the node allows"),
  /** Killed by a signal from outside YARN (exit 128 + signal: 137 is SIGKILL, 143 SIGTERM). */
  KILLED_BY_SIGNAL(true, "was killed by a signal"),
  /** The process exited with a code of its own. */
  APPLICATION_ERROR(true, "failed");

  private final boolean applicationFault;
  private final String words;

  ExitReason(boolean applicationFault, String words) {
    this.applicationFault = applicationFault;
    this.words = words;
  }

  /** Whether the failure counts against the role's restart limit. */
  public boolean applicationFault() {
    return applicationFault;
  }

  /** The reason for YARN's exit status and diagnostics. */
  public static ExitReason classify(int exitStatus, String diagnostics) {
    return switch (exitStatus) {
      case ContainerExitStatus.SUCCESS -> EXITED_CLEANLY;
      case ContainerExitStatus.PREEMPTED -> PREEMPTED;
      case ContainerExitStatus.ABORTED -> NODE_LOST;
      case ContainerExitStatus.DISKS_FAILED -> DISKS_FAILED;
      case ContainerExitStatus.KILLED_BY_CONTAINER_SCHEDULER -> KILLED_BY_SCHEDULER;
      case ContainerExitStatus.KILLED_EXCEEDED_PMEM -> EXCEEDED_PHYSICAL_MEMORY;
      case ContainerExitStatus.KILLED_EXCEEDED_VMEM -> EXCEEDED_VIRTUAL_MEMORY;
      case ContainerExitStatus.KILLED_BY_RESOURCEMANAGER, ContainerExitStatus.KILLED_AFTER_APP_COMPLETION ->
          KILLED_BY_RESOURCEMANAGER;
      case ContainerExitStatus.KILLED_BY_APPMASTER -> KILLED_BY_APPMASTER;
      case ContainerExitStatus.KILLED_FOR_EXCESS_LOGS -> EXCEEDED_LOG_LIMIT;
      default -> {
        if (diagnostics != null && (diagnostics.contains("beyond the 'PHYSICAL' memory limit")
            || diagnostics.contains("beyond physical memory limits"))) {
          yield EXCEEDED_PHYSICAL_MEMORY;
        }
        if (diagnostics != null && diagnostics.contains("beyond virtual memory limits")) {
          yield EXCEEDED_VIRTUAL_MEMORY;
        }
        yield exitStatus > 128 && exitStatus < 160 ? KILLED_BY_SIGNAL : APPLICATION_ERROR;
      }
    };
  }

  /**
   * One sentence for the diagnostics, the report and the status page, with what to do where there
   * is something to do: "worker 1 exceeded its physical memory limit (exit -104) in its 1g
   * container: raise roles.worker.memory".
   */
  public String describe(Role role, int index, int exitStatus, int memoryMb) {
    String who = role.specName() + " " + index + " " + words;
    String code = this == HUNG || this == NEVER_REGISTERED || this == EXITED_CLEANLY ? ""
        : " (exit " + exitStatus + signal(exitStatus) + ")";
    return switch (this) {
      case EXCEEDED_PHYSICAL_MEMORY, EXCEEDED_VIRTUAL_MEMORY -> who + code + " in its " + memoryMb
          + " MiB container: raise roles." + role.specName() + ".memory";
      case HUNG -> who + ": see its thread dump in the logs, or raise roles." + role.specName()
          + ".liveness.heartbeatTimeoutSeconds";
      case NEVER_REGISTERED -> who + ": see its logs, or raise roles." + role.specName()
          + ".liveness.registrationTimeoutSeconds";
      default -> who + code;
    };
  }

  private static String signal(int exitStatus) {
    return switch (exitStatus) {
      case 137 -> ", SIGKILL";
      case 143 -> ", SIGTERM";
      case 134 -> ", SIGABRT";
      default -> "";
    };
  }
}
