package dev.psyarn.ps.worker;

import java.util.Arrays;

/**
 * Contiguous ranges of the signed 64-bit key space, one a server, in key order: the
 * {@code range} partitioner, for keys that are already spread (hashed) over the whole space. Because the ranges
 * are contiguous and the keys of a request sorted, slicing a request is a binary search per server.
 */
public final class KeyRanges implements Partitioner {

  private final long[] starts;

  /** Ranges starting at {@code starts}; the first must be {@link Long#MIN_VALUE}, ascending. */
  public KeyRanges(long[] starts) {
    if (starts.length == 0 || starts[0] != Long.MIN_VALUE) {
      throw new IllegalArgumentException("the first range must start at Long.MIN_VALUE");
    }
    for (int i = 1; i < starts.length; i++) {
      if (starts[i] <= starts[i - 1]) {
        throw new IllegalArgumentException("range starts must ascend: " + Arrays.toString(starts));
      }
    }
    this.starts = starts.clone();
  }

  /** The key space split into {@code n} ranges of equal width. */
  public static KeyRanges even(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("need at least one range, got " + n);
    }
    long[] starts = new long[n];
    long step = Long.divideUnsigned(-1L, n);
    for (int i = 0; i < n; i++) {
      starts[i] = Long.MIN_VALUE + step * i;
    }
    return new KeyRanges(starts);
  }

  public int size() {
    return starts.length;
  }

  @Override
  public int numServers() {
    return starts.length;
  }

  @Override
  public int serverOf(long key) {
    return rangeOf(key);
  }

  /** The first key of range {@code i}. */
  public long start(int i) {
    return starts[i];
  }

  /** The last key of range {@code i}, inclusive. */
  public long end(int i) {
    return i + 1 < starts.length ? starts[i + 1] - 1 : Long.MAX_VALUE;
  }

  /** The range that holds {@code key}. */
  public int rangeOf(long key) {
    int at = Arrays.binarySearch(starts, key);
    return at >= 0 ? at : -at - 2;
  }

  /**
   * Where each range's keys begin in the sorted {@code keys}: range {@code i} holds
   * {@code keys[bounds[i] .. bounds[i + 1])}. The result has {@code size() + 1} entries.
   */
  public int[] slice(long[] keys) {
    int[] bounds = new int[starts.length + 1];
    for (int i = 1; i < starts.length; i++) {
      int at = Arrays.binarySearch(keys, bounds[i - 1], keys.length, starts[i]);
      bounds[i] = at >= 0 ? at : -at - 1;
    }
    bounds[starts.length] = keys.length;
    return bounds;
  }
}
