package dev.psyarn.ps.store;

import it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;

/**
 * The last push sequence number a server applied from each origin (a worker's index), so that a
 * push replayed by a replacement is applied once. An origin's pushes reach a server in order on
 * one connection, so "not above the last applied" means "applied already". Thread-safe.
 */
final class PushLedger {

  private final Int2LongOpenHashMap last = new Int2LongOpenHashMap();
  /** Pushes cut off mid-way, by origin: their sequence number and the rows applied. */
  private final Int2ObjectOpenHashMap<long[]> torn = new Int2ObjectOpenHashMap<>();
  /** While a checkpoint's cut is open: the ledger as of the cut (pushes from before it only). */
  private Int2LongOpenHashMap atCut;

  /** The last sequence number applied from the origin; 0 for none. */
  synchronized long last(int origin) {
    return last.getOrDefault(origin, 0L);
  }

  /**
   * Whether this push is new (and records it); anonymous origins (below 0) always are, without
   * taking the lock that every I/O thread would otherwise meet on each push.
   */
  boolean firstTime(int origin, long seq) {
    return origin < 0 || record(origin, seq, false);
  }

  /** As {@link #firstTime(int, long)}, for a push that comes from beyond an open cut ({@code afterCut}) or not. */
  boolean firstTime(int origin, long seq, boolean afterCut) {
    return origin < 0 || record(origin, seq, afterCut);
  }

  private synchronized boolean record(int origin, long seq, boolean afterCut) {
    if (seq <= last.getOrDefault(origin, 0L)) {
      return false;
    }
    last.put(origin, seq);
    if (atCut != null && !afterCut) {
      atCut.put(origin, seq);
    }
    return true;
  }

  /**
   * Records that the push {@code seq} from {@code origin}, applied as its values arrived, was cut
   * off after {@code rows} of its keys (its connection was lost mid-way): its replay applies the
   * rest only ({@link #resume}). Anonymous origins are not replayed.
   */
  synchronized void tear(int origin, long seq, int rows) {
    if (origin >= 0 && seq == last.getOrDefault(origin, 0L)) {
      torn.put(origin, new long[] {seq, rows});
    }
  }

  /**
   * For a push seen before ({@link #firstTime} said no): the rows of it already applied if it was
   * cut off mid-way (and forgets that), else -1 (it was applied whole).
   */
  synchronized int resume(int origin, long seq) {
    long[] cut = torn.get(origin);
    if (cut == null || cut[0] != seq) {
      return -1;
    }
    torn.remove(origin);
    return (int) cut[1];
  }

  /** Opens a cut: from now on only pushes from before it change the ledger {@link #closeCut} returns. */
  synchronized void openCut() {
    atCut = new Int2LongOpenHashMap(last);
  }

  /** The ledger as of the cut (or now, when none is open); closes the cut. */
  synchronized java.util.Map<Integer, Long> closeCut() {
    java.util.Map<Integer, Long> out = new java.util.TreeMap<>(atCut != null ? atCut : last);
    atCut = null;
    return out;
  }

  /** The last sequence applied from each origin. */
  synchronized java.util.Map<Integer, Long> copy() {
    return new java.util.TreeMap<>(last);
  }

  /** Restores a snapshot's ledger. */
  synchronized void restore(java.util.Map<Integer, Long> ledger) {
    ledger.forEach((origin, seq) -> last.put((int) origin, Math.max(seq, last.getOrDefault((int) origin, 0L))));
  }
}
