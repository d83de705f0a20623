package dev.psyarn.am;

import dev.psyarn.spec.JobSpec;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * What the job does about a container that ended before it was done with: counts the failure
 * against its node (blacklisting past the limit) and its role's restart policy, and says whether
 * to replace it after a delay or to fail the job, with the diagnostics for the report. Event
 * thread only.
 */
final class LossPolicy {

  /** What to do about a lost container. */
  sealed interface Verdict {}

  /** Ask for a replacement in its slot after {@code delayMs}. */
  record Replace(long delayMs, String what) implements Verdict {}

  /** Fail the job with these diagnostics. */
  record Fail(String diagnostics) implements Verdict {}

  private final JobSpec spec;
  private final RoleAllocator allocator;
  private final RestartTracker restarts;
  private final NodeHealth nodes;

  LossPolicy(JobSpec spec, RoleAllocator allocator, Clock clock) {
    this.spec = spec;
    this.allocator = allocator;
    this.restarts = new RestartTracker(spec, clock);
    this.nodes = new NodeHealth(spec.maxFailuresPerNode());
  }

  /** The container runs on this node (named as the scheduler names it). */
  void placed(String containerId, String node) {
    nodes.placed(containerId, node);
  }

  /**
   * A container that held its slot exited with {@code exitStatus} for {@code reason}; {@code
   * diagnostics} are YARN's.
   */
  Verdict lost(TrackedContainer c, ExitReason reason, int exitStatus, String diagnostics, String applicationId) {
    String what = reason.describe(c.role(), c.index(), exitStatus, spec.role(c.role()).resources().memoryMb());
    String where = " (" + c.id() + " on " + c.host() + ")";
    String bad = nodes.failed(c.id(), reason);
    if (bad != null && !allocator.blacklist(bad, nodes.blacklisted().size())) {
      return new Fail(what + where + "; node " + bad + " is blacklisted after " + nodes.failuresOn(bad)
          + " failures (blacklist.maxFailuresPerNode) and no usable node is left: " + String.join(", ",
          nodes.blacklisted()));
    }
    RestartTracker.Decision decision = restarts.decide(c.role(), reason, true);
    if (decision instanceof RestartTracker.Restart restart) {
      return new Replace(restart.delayMs(), what + where);
    }
    return new Fail(what + where + "; " + ((RestartTracker.GiveUp) decision).why() + ". " + lastLine(diagnostics)
        + " Its logs: yarn logs -applicationId " + applicationId + " -containerId " + c.id());
  }

  /** A container's NodeManager could not start it: a failure of the application's, under the role's policy. */
  Verdict couldNotStart(TrackedContainer c, String detail) {
    RestartTracker.Decision decision = restarts.decide(c.role(), ExitReason.APPLICATION_ERROR, true);
    String what = "container " + c.id() + " (" + c.role().specName() + " " + c.index() + ") could not start: " + detail;
    if (decision instanceof RestartTracker.Restart restart) {
      return new Replace(restart.delayMs(), what);
    }
    return new Fail(what + "; " + ((RestartTracker.GiveUp) decision).why());
  }

  /** Replacements asked for so far, by role. */
  Map<String, Integer> restarts() {
    return restarts.restarts();
  }

  /** Replacements an earlier AM attempt asked for. */
  void restoreRestarts(Map<String, Integer> earlier) {
    restarts.restore(earlier);
  }

  List<String> blacklisted() {
    return nodes.blacklisted();
  }

  /** The most telling line of YARN's diagnostics: the last exception message, not a stack frame. */
  static String lastLine(String diagnostics) {
    if (diagnostics == null || diagnostics.isBlank()) {
      return "";
    }
    String[] lines = diagnostics.strip().split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      String line = lines[i].strip();
      if (!line.isEmpty() && !line.startsWith("at ") && !line.startsWith("...")
          && !line.startsWith("[") && !line.startsWith("Last 4096") && !line.startsWith("For more detailed")) {
        return "Last error: " + line + ".";
      }
    }
    return "";
  }
}
