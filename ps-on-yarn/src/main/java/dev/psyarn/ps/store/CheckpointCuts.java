package dev.psyarn.ps.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * When a server's own range is snapshotted for a checkpoint, consistently at one clock while
 * training goes on. Every {@code everyClocks} clock ticks, at the first clock
 * {@code C = k * everyClocks - 1} that no worker has passed, the cut at C opens: a push from a
 * worker whose clock is already at C or past saves the slots it changes before changing them
 * ({@link KeyValueTable#add(long[], java.nio.FloatBuffer, boolean)}), a push from before the cut applies to the
 * saved slots too. When every worker's clock has reached C, each table is copied under its lock
 * (saved slots where there are any) with its ledger as of the cut, and the snapshot handed over.
 * When every worker is done, a last snapshot of everything is taken at the last clock reached.
 * With {@link #ON_REQUEST} (checkpoints every so many seconds), a cut opens only when the AM asks
 * for one at a clock ({@link #request}); every server is asked for the same clock, and one that
 * cannot open it (a worker already passed it) counts a miss, which leaves that checkpoint
 * incomplete and so never used. Confined to the server's clock lock, which every caller holds.
 */
final class CheckpointCuts {

  /** Cuts only at the clocks the AM asks for, not every so many ticks. */
  static final int ON_REQUEST = -1;

  private final int everyClocks;
  private final Consumer<ServerSnapshot> snapshots;
  private final int server;
  private final int numServers;
  private final HeldRange own;
  private final RestoreLog restores;
  /** The clock of the open cut, or -1 (read without the lock by pushes). */
  private volatile int cutClock = -1;
  /** The highest clock any worker reached, and whether the final snapshot was taken. */
  private int lastClock = -1;
  private boolean finalTaken;
  /** The last clock the AM asked a cut for, and the asks that came too late to open. */
  private int requested = -1;
  private long missed;

  CheckpointCuts(int everyClocks, Consumer<ServerSnapshot> snapshots, int server, int numServers, HeldRange own,
      RestoreLog restores) {
    this.everyClocks = everyClocks;
    this.snapshots = snapshots;
    this.server = server;
    this.numServers = numServers;
    this.own = own;
    this.restores = restores;
  }

  boolean enabled() {
    return everyClocks != 0;
  }

  /**
   * The AM asks for a cut at clock {@code at}: opened when none is open and no running worker
   * has reached it; a late ask is a miss. Asks for a clock not above the last are repeats.
   */
  void request(VectorClock clock, int at) {
    if (everyClocks != ON_REQUEST || at <= requested) {
      return;
    }
    requested = at;
    if (cutClock >= 0) {
      return; // one is open still; the AM asks again later
    }
    if (mostRunning(clock) >= at) {
      missed++;
      return;
    }
    open(at);
  }

  /** Asks for a cut that came too late to open at this server. */
  long missed() {
    return missed;
  }

  /** The highest clock of a worker still running, or -1. */
  static int mostRunning(VectorClock clock) {
    int most = -1;
    for (int c : clock.snapshot()) {
      if (c != Integer.MAX_VALUE) {
        most = Math.max(most, c);
      }
    }
    return most;
  }

  private void open(int at) {
    for (HeldRange.Table table : own.tables.values()) {
      synchronized (table) {
        table.values.openCut();
        table.ledger.openCut();
      }
    }
    cutClock = at;
  }

  /** The open cut's clock, or -1. */
  int cut() {
    return cutClock;
  }

  /** A table created while a cut is open takes part in it. */
  void created(HeldRange range, HeldRange.Table table) {
    if (range.own() && cutClock >= 0) {
      table.values.openCut();
      table.ledger.openCut();
    }
  }

  /**
   * Opens the cut at the next checkpoint clock that no worker has passed: the first
   * {@code C = k * everyClocks - 1} above every worker's clock. None once every worker is done,
   * nor on request only (the AM asks for the next).
   */
  void arm(VectorClock clock) {
    if (!enabled()) {
      return;
    }
    int most = -1;
    boolean running = false;
    for (int c : clock.snapshot()) {
      if (c != Integer.MAX_VALUE) {
        most = Math.max(most, c);
        running = true;
      }
    }
    if (!running || everyClocks == ON_REQUEST) {
      cutClock = -1;
      return;
    }
    open((most + 1) / everyClocks * everyClocks + everyClocks - 1);
  }

  /** A worker's clock has come to {@code tick} and the slowest is at {@code now}: takes the snapshots due. */
  void ticked(VectorClock clock, int tick, int now) {
    if (!enabled()) {
      return;
    }
    if (tick != Integer.MAX_VALUE) {
      lastClock = Math.max(lastClock, tick);
    }
    // Not when every worker finished short of the cut: the final snapshot is next.
    if (cutClock >= 0 && now >= cutClock && (now != Integer.MAX_VALUE || lastClock >= cutClock)) {
      take(clock);
    }
    if (now == Integer.MAX_VALUE && !finalTaken && lastClock >= 0) {
      // Every worker is done: the last checkpoint is the final state, at the last clock reached.
      finalTaken = true;
      cutClock = lastClock;
      take(clock);
    }
  }

  /** Copies each table as it stood at the cut, hands the snapshot over, arms the next cut. */
  private void take(VectorClock clock) {
    int at = cutClock;
    List<ServerSnapshot.Table> images = new ArrayList<>();
    for (Map.Entry<Integer, HeldRange.Table> e : new TreeMap<>(own.tables).entrySet()) {
      HeldRange.Table table = e.getValue();
      synchronized (table) {
        Map<Integer, Long> ledger = table.ledger.closeCut();
        images.add(new ServerSnapshot.Table(e.getKey(), table.spec, table.values.image(), ledger,
            table.ledger.torn(ledger)));
      }
    }
    int[] clocks = clock.snapshot();
    for (int w = 0; w < clocks.length; w++) {
      clocks[w] = clocks[w] == Integer.MAX_VALUE ? clocks[w] : Math.min(clocks[w], at);
    }
    ServerSnapshot snapshot = new ServerSnapshot(server, numServers, at, clocks, restores.copy(), images);
    arm(clock);
    snapshots.accept(snapshot);
  }
}
