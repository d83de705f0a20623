package dev.psyarn.ps.store;

import it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap;

/**
 * The last push sequence number a server applied from each origin (a worker's index), so that a
 * push replayed by a replacement is applied once. An origin's pushes reach a server in order on
 * one connection, so "not above the last applied" means "applied already". Thread-safe.
 */
final class PushLedger {

  private final Int2LongOpenHashMap last = new Int2LongOpenHashMap();

  /** The last sequence number applied from the origin; 0 for none. */
  synchronized long last(int origin) {
    return last.getOrDefault(origin, 0L);
  }

  /**
   * Whether this push is new (and records it); anonymous origins (below 0) always are, without
   * taking the lock that every I/O thread would otherwise meet on each push.
   */
  boolean firstTime(int origin, long seq) {
    return origin < 0 || record(origin, seq);
  }

  private synchronized boolean record(int origin, long seq) {
    if (seq <= last.getOrDefault(origin, 0L)) {
      return false;
    }
    last.put(origin, seq);
    return true;
  }
}
