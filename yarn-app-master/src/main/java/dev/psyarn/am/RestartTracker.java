package dev.psyarn.am;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.RestartPolicy;
import dev.psyarn.spec.Role;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;

/**
 * Applies each role's {@link RestartPolicy} to containers that ended before the job was done: a
 * replacement after a backoff, or the reason the job must fail. Counts the application's own
 * failures in a sliding window per role (YARN Services' retry window, Spark's FailureTracker);
 * faults of the cluster are replaced without counting. Event thread only.
 */
final class RestartTracker {

  /** What to do about one ended container. */
  sealed interface Decision {}

  /** Ask for a replacement of the same role and index after {@code delayMs}. */
  record Restart(long delayMs, int countedInWindow) implements Decision {}

  /** Fail the job: {@code why} completes the container's description. */
  record GiveUp(String why) implements Decision {}

  private final JobSpec spec;
  private final Clock clock;
  private final Map<Role, Deque<Long>> counted = new EnumMap<>(Role.class);
  private final Map<Role, Integer> restarts = new EnumMap<>(Role.class);

  RestartTracker(JobSpec spec, Clock clock) {
    this.spec = spec;
    this.clock = clock;
  }

  /**
   * Decides for a container of {@code role} that ended with {@code reason}; {@code finishedWork}
   * says whether it had already reported its results (then there is nothing to redo).
   */
  Decision decide(Role role, ExitReason reason, boolean exitedBeforeDone) {
    RestartPolicy policy = spec.role(role).restart();
    if (policy.mode() == RestartPolicy.Mode.NEVER) {
      return new GiveUp("the restart policy of roles." + role.specName() + " is never"
          + (role == Role.SERVER ? " (servers can be restarted once the spec has replication or a checkpoint section)" : ""));
    }
    if (reason == ExitReason.EXITED_CLEANLY && exitedBeforeDone && policy.mode() != RestartPolicy.Mode.ALWAYS) {
      return new GiveUp("a " + role.specName() + " must not exit 0 before its work is done; policy onFailure "
          + "replaces failures only (always replaces this too)");
    }
    long now = clock.millis();
    Deque<Long> window = counted.computeIfAbsent(role, r -> new ArrayDeque<>());
    while (!window.isEmpty() && window.peekFirst() <= now - policy.windowMs()) {
      window.pollFirst();
    }
    if (reason.applicationFault()) {
      if (window.size() >= policy.maxRestarts()) {
        return new GiveUp("roles." + role.specName() + " has had " + (window.size() + 1) + " failures within "
            + policy.windowMs() / 1000 + " s, more than restart.maxRestarts (" + policy.maxRestarts() + ") allows");
      }
      window.addLast(now);
    }
    restarts.merge(role, 1, Integer::sum);
    return new Restart(reason.applicationFault() ? policy.backoffAfter(window.size()) : 0, window.size());
  }

  /** Replacements an earlier AM attempt asked for (the window starts afresh). */
  void restore(Map<String, Integer> earlier) {
    for (Role role : Role.values()) {
      restarts.merge(role, earlier.getOrDefault(role.specName(), 0), Integer::sum);
    }
  }

  /** Replacements asked for so far, by role. */
  Map<String, Integer> restarts() {
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    for (Role role : Role.values()) {
      out.put(role.specName(), restarts.getOrDefault(role, 0));
    }
    return out;
  }
}
