package dev.psyarn.ps.store;

import dev.psyarn.ps.wire.DataMessages.ReceivedPush;
import dev.psyarn.ps.worker.Partitioner;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The origins whose pushes the old holders of a new range had applied to different points when
 * the servers changed layout (server flex): a worker that died mid-push, or a piece given back,
 * had reached some servers and not others. The range's ledger holds the highest; until the origin
 * pushes past it, a push numbered between the lowest and the highest is applied to the keys whose
 * old range had not applied it, and only those (the old range of a key: the old layout's
 * partitioner). So a replay after the change adds exactly what the lost push had not. Guarded by
 * its table's lock.
 */
final class SplitLedger {

  private final Partitioner before;
  /** Origin to the last push applied by each old range's holder (index: the old range). */
  private final Map<Integer, long[]> applied = new HashMap<>();
  /** The old ranges the new range's keys came from. */
  private final boolean[] sources;

  private SplitLedger(Partitioner before, boolean[] sources) {
    this.before = before;
    this.sources = sources;
  }

  /**
   * The split of the ledgers of the old ranges ({@code ledgers}: old range to its ledger) that a
   * new range's keys came from, or null when they agree on every origin.
   */
  static SplitLedger of(Partitioner before, Map<Integer, Map<Integer, Long>> ledgers) {
    boolean[] sources = new boolean[before.numServers()];
    ledgers.keySet().forEach(r -> sources[r] = true);
    SplitLedger split = new SplitLedger(before, sources);
    java.util.Set<Integer> origins = new java.util.HashSet<>();
    ledgers.values().forEach(l -> origins.addAll(l.keySet()));
    for (int origin : origins) {
      long[] last = new long[before.numServers()];
      long low = Long.MAX_VALUE;
      long high = 0;
      for (Map.Entry<Integer, Map<Integer, Long>> e : ledgers.entrySet()) {
        long seq = e.getValue().getOrDefault(origin, 0L);
        last[e.getKey()] = seq;
        low = Math.min(low, seq);
        high = Math.max(high, seq);
      }
      if (low != high) {
        split.applied.put(origin, last);
      }
    }
    return split.applied.isEmpty() ? null : split;
  }

  /** Whether this push of {@code origin} was applied by some old holders and not others. */
  boolean splits(int origin, long seq) {
    long[] last = applied.get(origin);
    if (last == null) {
      return false;
    }
    boolean some = false;
    boolean notAll = false;
    for (int r = 0; r < last.length; r++) {
      if (sources[r]) {
        some |= last[r] >= seq;
        notAll |= last[r] < seq;
      }
    }
    return some && notAll;
  }

  /** The part of a push to apply: the keys whose old range had not applied it, with their values. */
  ReceivedPush missingPart(ReceivedPush push) {
    long[] last = applied.get(push.origin());
    long[] all = push.keys();
    int width = all.length == 0 ? 0 : push.values().remaining() / all.length;
    boolean[] apply = new boolean[all.length];
    int n = 0;
    for (int i = 0; i < all.length; i++) {
      apply[i] = last[before.serverOf(all[i])] < push.seq();
      n += apply[i] ? 1 : 0;
    }
    long[] keys = new long[n];
    float[] values = new float[n * width];
    int at = 0;
    for (int i = 0; i < all.length; i++) {
      if (apply[i]) {
        keys[at] = all[i];
        push.values().duplicate().position(push.values().position() + i * width).get(values, at * width, width);
        at++;
      }
    }
    return new ReceivedPush(push.table(), keys, FloatBuffer.wrap(values), push.origin(), push.seq());
  }

  /** The lowest push of {@code origin} every old holder had applied, or -1 for an origin not split. */
  long lowest(int origin) {
    long[] last = applied.get(origin);
    if (last == null) {
      return -1;
    }
    long low = Long.MAX_VALUE;
    for (int r = 0; r < last.length; r++) {
      if (sources[r]) {
        low = Math.min(low, last[r]);
      }
    }
    return low;
  }

  /** The origin pushed {@code seq}, past every old holder: it is whole again. Returns whether none is split any more. */
  boolean passed(int origin, long seq) {
    long[] last = applied.get(origin);
    if (last != null) {
      long high = 0;
      for (long l : last) {
        high = Math.max(high, l);
      }
      if (seq > high) {
        applied.remove(origin);
      }
    }
    return applied.isEmpty();
  }

  /** Origins still split. */
  int origins() {
    return applied.size();
  }
}
