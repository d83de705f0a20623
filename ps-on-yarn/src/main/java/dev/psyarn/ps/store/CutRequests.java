package dev.psyarn.ps.store;

/**
 * A server's checkpoint cuts as the AM paces them by time: it asks for a cut at a clock, from
 * the highest clock of a running worker the server reports. Every call takes the server's clock
 * lock, as the cuts require.
 */
public final class CutRequests {

  private final VectorClock clock;
  private final CheckpointCuts cuts;

  CutRequests(VectorClock clock, CheckpointCuts cuts) {
    this.clock = clock;
    this.cuts = cuts;
  }

  /**
   * The AM asks for a checkpoint at clock {@code at}: the cut opens unless one is open or a worker
   * has passed {@code at} (a miss: that checkpoint stays incomplete and is never used).
   */
  public void request(int at) {
    synchronized (clock) {
      cuts.request(clock, at);
    }
  }

  /** The highest clock of a worker still running (-1: none). */
  public int mostRunningClock() {
    synchronized (clock) {
      return CheckpointCuts.mostRunning(clock);
    }
  }

  /** Asks that came after a worker had passed their clock. */
  public long missed() {
    synchronized (clock) {
      return cuts.missed();
    }
  }
}
