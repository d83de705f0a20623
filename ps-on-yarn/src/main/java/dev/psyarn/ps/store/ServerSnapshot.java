package dev.psyarn.ps.store;

import dev.psyarn.ps.update.UpdaterSpec;
import java.util.List;
import java.util.Map;

/**
 * A server's state at one clock: what a checkpoint holds and a replacement restores.
 *
 * @param server the index of the server whose key ranges these are
 * @param numServers the servers of the job that wrote it
 * @param clock the clock of the cut: every worker's pushes through this iteration are in, none after
 * @param workerClocks each worker's clock as of the snapshot (the cut's clock, or a finished
 *     worker's {@link Integer#MAX_VALUE})
 * @param rollbacks the restores this server's ranges went through before (carried forward)
 * @param tables every table with its updater and whole slots
 */
public record ServerSnapshot(int server, int numServers, int clock, int[] workerClocks, List<Rollback> rollbacks,
    List<Table> tables) {

  /**
   * One table of a snapshot: its updater, its keys with their whole slots, the last push sequence
   * applied to it from each origin, as of the cut, and the pushes among those cut off mid-way.
   */
  public record Table(int id, UpdaterSpec updater, KeyValueTable.Image image, Map<Integer, Long> ledger,
      List<Torn> torn) {

    /** A table none of whose pushes was cut off mid-way. */
    public Table(int id, UpdaterSpec updater, KeyValueTable.Image image, Map<Integer, Long> ledger) {
      this(id, updater, image, ledger, List.of());
    }
  }

  /**
   * A push cut off mid-way (its connection lost while its values arrived): push {@code seq} of
   * {@code origin} is the last the table applied from it, but to its keys below {@code from} only
   * (a push's keys are sorted ascending), so its replay, or its holder's forward of the rest, adds
   * the keys from {@code from} on.
   */
  public record Torn(int origin, long seq, long from) {}

  /**
   * A restore from a checkpoint: the ranges went back to clock {@code restoredClock}, where worker
   * w's last applied push was {@code restoredSeqs[w]}. The first push the restored server then got
   * from worker w was {@code resumedSeqs[w]} and its first clock {@code resumedClocks[w]} (-1 while
   * none came). Worker w's pushes numbered {@code restoredSeqs[w] + 1 .. resumedSeqs[w] - 1} were
   * acknowledged by the lost server and are not in these ranges any more.
   */
  public record Rollback(int restoredClock, int[] resumedClocks, long[] restoredSeqs, long[] resumedSeqs) {

    /** The most clock ticks any worker lost: how far its clock had come past the checkpoint's. */
    public int clocksLost() {
      int most = 0;
      for (int c : resumedClocks) {
        if (c >= 0 && c != Integer.MAX_VALUE) {
          most = Math.max(most, c - restoredClock);
        }
      }
      return most;
    }

    /** Pushes lost over all workers (those whose next push came). */
    public long pushesLost() {
      long lost = 0;
      for (int w = 0; w < resumedSeqs.length; w++) {
        if (resumedSeqs[w] > 0) {
          lost += Math.max(0, resumedSeqs[w] - 1 - restoredSeqs[w]);
        }
      }
      return lost;
    }

    Rollback copy() {
      return new Rollback(restoredClock, resumedClocks.clone(), restoredSeqs.clone(), resumedSeqs.clone());
    }
  }

  /** Keys over all tables. */
  public long keys() {
    return tables.stream().mapToLong(t -> t.image().keys().length).sum();
  }
}
