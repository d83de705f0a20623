package dev.psyarn.ps.store;

import dev.psyarn.ps.wire.DataMessages.ReceivedPush;
import dev.psyarn.ps.worker.Partitioner;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The origins whose pushes the old holders of a new range had applied to different points when
 * the servers changed layout (server flex): a worker that died mid-push, or a piece given back,
 * had reached some servers and not others, or some keys of a server and not the rest (a push cut
 * off mid-way, {@link ServerSnapshot.Torn}). The range's ledger holds the highest; until the
 * origin pushes past it, a push numbered between the lowest and the highest is applied to the
 * keys whose old range had not applied it, and only those (the old range of a key: the old
 * layout's partitioner). So a replay after the change adds exactly what the lost push had not.
 * Guarded by its table's lock.
 */
final class SplitLedger {

  private final Partitioner before;
  /** Origin to the last push applied by each old range's holder (index: the old range). */
  private final Map<Integer, long[]> applied = new HashMap<>();
  /**
   * Origin to where each old range's last push stopped, if it was cut off mid-way: its first key
   * not applied (index: the old range; {@link Long#MIN_VALUE}: applied whole, as every key is at
   * least that).
   */
  private final Map<Integer, long[]> stopped = new HashMap<>();
  /** The old ranges the new range's keys came from. */
  private final boolean[] sources;

  private SplitLedger(Partitioner before, boolean[] sources) {
    this.before = before;
    this.sources = sources;
  }

  /**
   * The split of the ledgers of the old ranges ({@code ledgers}: old range to its ledger; {@code torn}:
   * old range to its pushes cut off mid-way) that a new range's keys came from, or null when they
   * agree on every origin and none was cut off.
   */
  static SplitLedger of(Partitioner before, Map<Integer, Map<Integer, Long>> ledgers,
      Map<Integer, List<ServerSnapshot.Torn>> torn) {
    boolean[] sources = new boolean[before.numServers()];
    ledgers.keySet().forEach(r -> sources[r] = true);
    SplitLedger split = new SplitLedger(before, sources);
    java.util.Set<Integer> origins = new java.util.HashSet<>();
    ledgers.values().forEach(l -> origins.addAll(l.keySet()));
    for (int origin : origins) {
      long[] last = new long[before.numServers()];
      long[] from = new long[before.numServers()];
      java.util.Arrays.fill(from, Long.MIN_VALUE);
      long low = Long.MAX_VALUE;
      long high = 0;
      boolean cut = false;
      for (Map.Entry<Integer, Map<Integer, Long>> e : ledgers.entrySet()) {
        long seq = e.getValue().getOrDefault(origin, 0L);
        for (ServerSnapshot.Torn t : torn.getOrDefault(e.getKey(), List.of())) {
          if (t.origin() == origin && t.seq() == seq) {
            if (t.from() == Long.MIN_VALUE) {
              seq--; // cut off before its first key: not applied at all
            } else {
              from[e.getKey()] = t.from();
              cut = true;
            }
          }
        }
        last[e.getKey()] = seq;
        low = Math.min(low, seq);
        high = Math.max(high, seq);
      }
      if (low != high || cut) {
        split.applied.put(origin, last);
        split.stopped.put(origin, from);
      }
    }
    return split.applied.isEmpty() ? null : split;
  }

  /** Whether old range {@code r} applied push {@code seq} of the origin to {@code key}. */
  private static boolean had(long[] last, long[] from, int r, long seq, long key) {
    return last[r] > seq || last[r] == seq && (from[r] == Long.MIN_VALUE || key < from[r]);
  }

  /** Whether this push of {@code origin} was applied by some old holders (or to some keys) and not others. */
  boolean splits(int origin, long seq) {
    long[] last = applied.get(origin);
    if (last == null) {
      return false;
    }
    long[] from = stopped.get(origin);
    boolean some = false;
    boolean notAll = false;
    for (int r = 0; r < last.length; r++) {
      if (sources[r]) {
        some |= last[r] >= seq;
        notAll |= last[r] < seq || last[r] == seq && from[r] != Long.MIN_VALUE;
      }
    }
    return some && notAll;
  }

  /** The part of a push to apply: the keys whose old range had not applied it, with their values. */
  ReceivedPush missingPart(ReceivedPush push) {
    long[] last = applied.get(push.origin());
    long[] from = stopped.get(push.origin());
    long[] all = push.keys();
    int width = all.length == 0 ? 0 : push.values().remaining() / all.length;
    boolean[] apply = new boolean[all.length];
    int n = 0;
    for (int i = 0; i < all.length; i++) {
      apply[i] = !had(last, from, before.serverOf(all[i]), push.seq(), all[i]);
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

  /**
   * The missing part of push {@code seq} of {@code origin} was applied: every key has it now (a
   * second replay is dropped). Returns whether no origin is split any more.
   */
  boolean applied(int origin, long seq) {
    long[] last = applied.get(origin);
    if (last != null) {
      long[] from = stopped.get(origin);
      for (int r = 0; r < last.length; r++) {
        if (last[r] <= seq) {
          last[r] = seq;
          from[r] = Long.MIN_VALUE;
        }
      }
    }
    return passed(origin, seq);
  }

  /**
   * The lowest push of {@code origin} every old holder had applied to every key (one cut off
   * mid-way counts as not applied), or -1 for an origin not split.
   */
  long lowest(int origin) {
    long[] last = applied.get(origin);
    if (last == null) {
      return -1;
    }
    long[] from = stopped.get(origin);
    long low = Long.MAX_VALUE;
    for (int r = 0; r < last.length; r++) {
      if (sources[r]) {
        low = Math.min(low, from[r] == Long.MIN_VALUE ? last[r] : last[r] - 1);
      }
    }
    return low;
  }

  /**
   * The origin pushed {@code seq}: past every old holder, or up to the highest with every key
   * applied, it is whole again. Returns whether none is split any more.
   */
  boolean passed(int origin, long seq) {
    long[] last = applied.get(origin);
    if (last != null) {
      long high = 0;
      long low = Long.MAX_VALUE;
      boolean cut = false;
      long[] from = stopped.get(origin);
      for (int r = 0; r < last.length; r++) {
        high = Math.max(high, last[r]);
        if (sources[r]) {
          low = Math.min(low, last[r]);
          cut |= from[r] != Long.MIN_VALUE;
        }
      }
      if (seq > high || low == high && !cut) {
        applied.remove(origin);
        stopped.remove(origin);
      }
    }
    return applied.isEmpty();
  }

  /** Origins still split. */
  int origins() {
    return applied.size();
  }
}
