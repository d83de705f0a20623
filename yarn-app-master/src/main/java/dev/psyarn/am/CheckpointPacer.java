package dev.psyarn.am;

import java.util.HashMap;
import java.util.Map;

/**
 * Paces checkpoints by time ({@code checkpoint.everySeconds}). Servers cut a checkpoint at a
 * clock, consistently across all of them; here, about every so many seconds, the AM picks one
 * clock a little ahead of the fastest worker and asks every server for it in its heartbeat
 * answers, for a few heartbeats. The lead is the clocks the workers pass in three heartbeat
 * intervals, from the servers' reports of the highest running clock ({@code clock.max}); each ask
 * a server reports it got too late ({@code checkpoint.missed}: that checkpoint stays incomplete
 * and is never used) doubles the lead. Event thread only.
 */
final class CheckpointPacer {

  private static final int MAX_LEAD_FACTOR = 64;

  private final long everyMs;
  private long nextAskMs;
  /** The clock being asked for until {@link #askUntilMs}, or -1. */
  private int asking = -1;
  private long askUntilMs;
  /** The highest running clock any server reported, when, and the clocks a millisecond since. */
  private int most = -1;
  private long mostAtMs;
  private double clocksPerMs;
  /** Milliseconds between a server's heartbeats, as seen. */
  private double heartbeatMs = 1000;
  private final Map<String, Long> lastHeard = new HashMap<>();
  private final Map<String, Long> missedSeen = new HashMap<>();
  private int leadFactor = 1;
  private int asks;

  CheckpointPacer(double everySeconds, long startMs) {
    this.everyMs = Math.round(everySeconds * 1000);
    this.nextAskMs = startMs + everyMs;
  }

  /**
   * Server {@code container}'s heartbeat at {@code now} with its metrics; returns the clock to
   * ask it to cut a checkpoint at, or -1.
   */
  int heartbeat(String container, Map<String, Double> metrics, long now) {
    Long heard = lastHeard.put(container, now);
    if (heard != null && now > heard) {
      heartbeatMs = 0.8 * heartbeatMs + 0.2 * (now - heard);
    }
    Double reported = metrics.get("clock.max");
    if (reported != null && reported.intValue() > most) {
      if (most >= 0 && now > mostAtMs) {
        double rate = (reported.intValue() - most) / (double) (now - mostAtMs);
        clocksPerMs = clocksPerMs == 0 ? rate : 0.7 * clocksPerMs + 0.3 * rate;
      }
      most = reported.intValue();
      mostAtMs = now;
    }
    long missed = metrics.getOrDefault("checkpoint.missed", 0.0).longValue();
    if (missed > missedSeen.getOrDefault(container, 0L)) {
      missedSeen.put(container, missed);
      leadFactor = Math.min(MAX_LEAD_FACTOR, leadFactor * 2);
    }
    if (asking >= 0 && now < askUntilMs) {
      return asking;
    }
    asking = -1;
    if (now < nextAskMs || most < 0) {
      return -1;
    }
    long lead = Math.max(2, (long) Math.ceil(clocksPerMs * 3 * heartbeatMs * leadFactor));
    asking = (int) Math.min(Integer.MAX_VALUE - 1L, most + lead);
    askUntilMs = now + Math.round(3 * heartbeatMs);
    nextAskMs = now + everyMs;
    asks++;
    return asking;
  }

  /** Checkpoints asked for so far. */
  int asks() {
    return asks;
  }

  /** How many times the lead was doubled after a late ask. */
  int leadFactor() {
    return leadFactor;
  }
}
