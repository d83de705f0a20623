package dev.psyarn.ps.store;

import java.util.Arrays;

/**
 * The server's vector clock: the last iteration each worker has completed (its pushes applied),
 * -1 before the first. Its minimum is how far every worker has come. Not thread-safe.
 */
public final class VectorClock {

  private final int[] clocks;

  public VectorClock(int workers) {
    if (workers <= 0) {
      throw new IllegalArgumentException("need at least one worker, got " + workers);
    }
    clocks = new int[workers];
    Arrays.fill(clocks, -1);
  }

  /** Worker {@code worker} has completed iteration {@code clock}; clocks never go back. */
  public void advance(int worker, int clock) {
    if (worker < 0 || worker >= clocks.length) {
      throw new IllegalArgumentException("no worker " + worker + " among " + clocks.length);
    }
    clocks[worker] = Math.max(clocks[worker], clock);
  }

  /** The slowest worker's clock. */
  public int min() {
    int min = Integer.MAX_VALUE;
    for (int c : clocks) {
      min = Math.min(min, c);
    }
    return min;
  }

  /** Worker {@code worker}'s clock; -1 for one this clock does not know. */
  public int of(int worker) {
    return worker >= 0 && worker < clocks.length ? clocks[worker] : -1;
  }

  public int[] snapshot() {
    return clocks.clone();
  }
}
