package dev.psyarn.am;

import java.util.function.IntConsumer;

/**
 * How often the AM heartbeats the ResourceManager: while an ask is out, from {@code firstMs},
 * doubling every heartbeat up to the steady interval; the steady interval once nothing is asked
 * for. An ask reaches the ResourceManager at the AM's next heartbeat and what it gives comes back
 * at the one after, so at a steady 200 ms each allocation round costs the AM 0.2 to 0.4 s of
 * waiting; a job that waits long for a full queue is back at the steady pace after a few beats.
 * (Spark's YARN allocator paces its heartbeats the same way.)
 */
final class AllocationPace {

  private final int steadyMs;
  private final int firstMs;
  private IntConsumer interval = ms -> { };
  private boolean waiting;
  private int currentMs;

  AllocationPace(int steadyMs, int firstMs) {
    this.steadyMs = steadyMs;
    this.firstMs = Math.min(firstMs, steadyMs);
    this.currentMs = steadyMs;
  }

  /** What sets the heartbeat interval (the asynchronous AMRM client's). */
  synchronized void drive(IntConsumer setInterval) {
    this.interval = setInterval;
  }

  /** Whether an ask is out: a new wait starts at the first interval, the end of one goes back to the steady one. */
  synchronized void waiting(boolean any) {
    if (any && !waiting) {
      set(firstMs);
    } else if (!any && waiting) {
      set(steadyMs);
    }
    waiting = any;
  }

  /** Called at every heartbeat: while waiting, the next one comes twice as late, up to the steady interval. */
  synchronized void beat() {
    if (waiting && currentMs < steadyMs) {
      set(Math.min(steadyMs, currentMs * 2));
    }
  }

  synchronized int currentMs() {
    return currentMs;
  }

  private void set(int ms) {
    if (ms != currentMs) {
      currentMs = ms;
      interval.accept(ms);
    }
  }
}
