package dev.psyarn.ps.store;

import it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap;
import it.unimi.dsi.fastutil.ints.Int2ObjectMap;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;

/**
 * The last push sequence number a server applied from each origin (a worker's index), so that a
 * push replayed by a replacement is applied once. An origin's pushes reach a server in order on
 * one connection, so "not above the last applied" means "applied already". Thread-safe.
 */
final class PushLedger {

  private final Int2LongOpenHashMap last = new Int2LongOpenHashMap();
  /** Pushes cut off mid-way, by origin: their sequence number and the first key not applied. */
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
    torn.remove(origin); // an origin's pushes come in order: one cut off before this is not replayed any more
    if (atCut != null && !afterCut) {
      atCut.put(origin, seq);
    }
    return true;
  }

  /**
   * Records that the push {@code seq} from {@code origin}, applied as its values arrived, was cut
   * off after {@code rows} of its (ascending) {@code keys}: its replay applies the rest only
   * ({@link #resume}). Anonymous origins are not replayed.
   */
  synchronized void tear(int origin, long seq, long[] keys, int rows) {
    if (origin >= 0 && seq == last.getOrDefault(origin, 0L) && rows < keys.length) {
      torn.put(origin, new long[] {seq, keys[rows]});
    }
  }

  /**
   * For a push seen before ({@link #firstTime} said no): where in its ascending {@code keys} the
   * ones not applied begin if it was cut off mid-way (and forgets that it was: the caller applies
   * them), else -1 (it was applied whole).
   */
  synchronized int resume(int origin, long seq, long[] keys) {
    long[] cut = torn.get(origin);
    if (cut == null || cut[0] != seq) {
      return -1;
    }
    torn.remove(origin);
    return firstFrom(keys, cut[1]);
  }

  /** The index of the first of ascending {@code keys} that is {@code from} or above. */
  static int firstFrom(long[] keys, long from) {
    int at = java.util.Arrays.binarySearch(keys, from);
    return at >= 0 ? at : -at - 1;
  }

  /** The push of {@code origin} that was cut off mid-way, if it is the last applied; else 0. */
  synchronized long tornSeq(int origin) {
    long[] cut = torn.get(origin);
    return cut != null && cut[0] == last.getOrDefault(origin, 0L) ? cut[0] : 0L;
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

  /** The pushes cut off mid-way that are the last of their origin in {@code ledger} (this one's, or its cut's). */
  synchronized java.util.List<ServerSnapshot.Torn> torn(java.util.Map<Integer, Long> ledger) {
    java.util.List<ServerSnapshot.Torn> out = new java.util.ArrayList<>();
    for (Int2ObjectMap.Entry<long[]> e : torn.int2ObjectEntrySet()) {
      if (e.getValue()[0] == ledger.getOrDefault(e.getIntKey(), 0L)) {
        out.add(new ServerSnapshot.Torn(e.getIntKey(), e.getValue()[0], e.getValue()[1]));
      }
    }
    out.sort(java.util.Comparator.comparingInt(ServerSnapshot.Torn::origin));
    return out;
  }

  /** Restores a snapshot's ledger and the pushes it says were cut off mid-way. */
  synchronized void restore(java.util.Map<Integer, Long> ledger, java.util.List<ServerSnapshot.Torn> cut) {
    ledger.forEach((origin, seq) -> last.put((int) origin, Math.max(seq, last.getOrDefault((int) origin, 0L))));
    for (ServerSnapshot.Torn t : cut) {
      if (t.seq() == last.getOrDefault(t.origin(), 0L)) {
        torn.put(t.origin(), new long[] {t.seq(), t.from()});
      }
    }
  }
}
