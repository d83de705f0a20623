package dev.psyarn.ps.filter;

import dev.psyarn.ps.worker.KVWorker;
import it.unimi.dsi.fastutil.longs.Long2DoubleOpenHashMap;
import java.util.Arrays;

/**
 * The significantly-modified filter (paper §5) for pushes of width 1: updates are accumulated
 * locally per key (in double precision), and only keys whose accumulated update has reached {@code threshold} in absolute
 * value are pushed; the rest wait for later updates or {@link #flush}. A threshold of 0 pushes
 * everything, as without the filter. Not thread-safe: one per worker thread and table.
 */
public final class SignificantlyModifiedFilter {

  /** Where the filter's pushes go: a table of the servers, under the caller's numbering. */
  @FunctionalInterface
  public interface Sender {
    /** Pushes the keys' values; returns the push's timestamp. */
    long push(long[] keys, float[] values);
  }

  private final Sender sender;
  private final float threshold;
  private final Long2DoubleOpenHashMap pending = new Long2DoubleOpenHashMap();
  private long held;
  private long sent;

  public SignificantlyModifiedFilter(KVWorker kv, int table, float threshold) {
    this((keys, values) -> kv.push(table, keys, values), threshold);
  }

  public SignificantlyModifiedFilter(Sender sender, float threshold) {
    if (!(threshold >= 0)) {
      throw new IllegalArgumentException("the threshold must be zero or positive, got " + threshold);
    }
    this.sender = sender;
    this.threshold = threshold;
  }

  /**
   * Adds {@code updates} to the keys' pending updates and pushes the significant ones; returns the
   * push's timestamp, or -1 if nothing was significant.
   */
  public long push(long[] keys, float[] updates) {
    if (threshold == 0 && pending.isEmpty()) {
      sent += keys.length;
      return sender.push(keys, updates);
    }
    long[] out = new long[keys.length];
    float[] values = new float[keys.length];
    int n = 0;
    for (int i = 0; i < keys.length; i++) {
      double total = pending.addTo(keys[i], updates[i]) + updates[i];
      if (Math.abs(total) >= threshold) {
        pending.remove(keys[i]);
        out[n] = keys[i];
        values[n++] = (float) total;
      }
    }
    held += keys.length - n;
    sent += n;
    return n == 0 ? -1 : sender.push(Arrays.copyOf(out, n), Arrays.copyOf(values, n));
  }

  /** Pushes every pending update, significant or not; returns the timestamp, or -1 if none. */
  public long flush() {
    if (pending.isEmpty()) {
      return -1;
    }
    long[] keys = pending.keySet().toLongArray();
    Arrays.sort(keys);
    float[] values = new float[keys.length];
    for (int i = 0; i < keys.length; i++) {
      values[i] = (float) pending.get(keys[i]);
    }
    pending.clear();
    sent += keys.length;
    return sender.push(keys, values);
  }

  /** Key updates held back when they were pushed (some are sent later, summed). */
  public long held() {
    return held;
  }

  /** Key updates sent to the servers. */
  public long sent() {
    return sent;
  }

  /** Keys with an update waiting. */
  public int pendingKeys() {
    return pending.size();
  }
}
