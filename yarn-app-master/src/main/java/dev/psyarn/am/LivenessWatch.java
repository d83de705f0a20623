package dev.psyarn.am;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Liveness;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the containers to stop as failed: registered ones whose heartbeats stopped (a hung or
 * stopped JVM) and started ones that never registered, each by its role's {@link Liveness}. Pure:
 * the lifecycle acts on what it finds.
 */
final class LivenessWatch {

  /** A container to stop, and why. */
  record Overdue(TrackedContainer container, ExitReason reason, String detail) {}

  private final JobSpec spec;

  LivenessWatch(JobSpec spec) {
    this.spec = spec;
  }

  /** How often to look, in ms: a quarter of the shortest timeout, between 250 ms and 5 s. */
  long intervalMs() {
    long shortest = Long.MAX_VALUE;
    for (dev.psyarn.spec.Role role : dev.psyarn.spec.Role.values()) {
      Liveness l = spec.role(role).liveness();
      shortest = Math.min(shortest, Math.min(l.heartbeatTimeoutMs(), l.registrationTimeoutMs()));
    }
    return Math.max(250, Math.min(5_000, shortest / 4));
  }

  List<Overdue> overdue(List<TrackedContainer> live, long nowMs) {
    List<Overdue> out = new ArrayList<>();
    for (TrackedContainer c : live) {
      Liveness l = spec.role(c.role()).liveness();
      long silent = nowMs - c.sinceMs();
      switch (c.state()) {
        case REGISTERED -> {
          if (silent > l.heartbeatTimeoutMs()) {
            out.add(new Overdue(c, ExitReason.HUNG, "no heartbeat for " + silent / 1000 + " s (timeout "
                + l.heartbeatTimeoutMs() / 1000 + " s)"));
          }
        }
        case ALLOCATED, STARTED -> {
          if (silent > l.registrationTimeoutMs()) {
            out.add(new Overdue(c, ExitReason.NEVER_REGISTERED, "not registered " + silent / 1000
                + " s after it was " + c.state().name().toLowerCase(java.util.Locale.ROOT) + " (timeout "
                + l.registrationTimeoutMs() / 1000 + " s)"));
          }
        }
        default -> { }
      }
    }
    return out;
  }
}
