package dev.psyarn.ps.worker;

/**
 * How stale a worker's pulls may be (paper §3.3): the clock every worker must have reached before
 * a pull at iteration {@code t} is answered.
 *
 * <ul>
 *   <li>sequential: {@code t - 1}, every worker waits for the previous iteration of all;
 *   <li>bounded delay τ: {@code t - τ - 1}, no worker runs more than τ iterations ahead of the
 *       slowest (sequential is τ = 0);
 *   <li>eventual: no wait at all.
 * </ul>
 *
 * @param model sequential, bounded or eventual
 * @param maxDelay τ for bounded delay; 0 for sequential
 */
public record Consistency(String model, int maxDelay) {

  public static final Consistency SEQUENTIAL = new Consistency("sequential", 0);
  public static final Consistency EVENTUAL = new Consistency("eventual", Integer.MAX_VALUE);

  public Consistency {
    switch (model) {
      case "sequential" -> maxDelay = 0;
      case "eventual" -> maxDelay = Integer.MAX_VALUE;
      case "bounded" -> {
        if (maxDelay < 0) {
          throw new IllegalArgumentException("a bounded delay must be zero or more, got " + maxDelay);
        }
      }
      default -> throw new IllegalArgumentException("unknown consistency \"" + model
          + "\"; known: sequential, bounded, eventual");
    }
  }

  public static Consistency bounded(int maxDelay) {
    return new Consistency("bounded", maxDelay);
  }

  /** The clock all workers must have reached before a pull at {@code iteration} is answered. */
  public int requiredClock(int iteration) {
    return maxDelay == Integer.MAX_VALUE ? Integer.MIN_VALUE : iteration - maxDelay - 1;
  }
}
