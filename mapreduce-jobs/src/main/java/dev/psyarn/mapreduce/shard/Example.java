package dev.psyarn.mapreduce.shard;

import java.util.Arrays;

/**
 * One example, reused from record to record: {@code keys[0..size)}, distinct, with values; ascending
 * in a shard of gaps, in the order they were written in one of fixed-width keys ({@link ShardFormat}).
 */
public final class Example {

  public int label;
  public int size;
  public long[] keys = new long[16];
  public float[] values = new float[16];
  /** Whether {@link #values} hold real values; when false every value is 1. */
  public boolean hasValues;

  void ensure(int n) {
    if (keys.length < n) {
      int capacity = Math.max(n, keys.length * 2);
      keys = Arrays.copyOf(keys, capacity);
      values = Arrays.copyOf(values, capacity);
    }
  }

  /** Value {@code i}: 1 unless the example has values. */
  public float value(int i) {
    return hasValues ? values[i] : 1f;
  }
}
