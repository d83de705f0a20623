package dev.psyarn.ps.store;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.Arrays;

/**
 * One table of a server: {@code long} keys to fixed-width {@code float} vectors, with no object
 * per key. A primitive hash map gives each key a slot; the values of slot {@code s} are
 * {@code values[s * width .. s * width + width)} in one growing array. Not thread-safe.
 */
public final class KeyValueTable {

  private final int width;
  private final Long2IntOpenHashMap slots = new Long2IntOpenHashMap();
  private float[] values;
  private int size;

  public KeyValueTable(int width) {
    if (width <= 0) {
      throw new IllegalArgumentException("width must be positive, got " + width);
    }
    this.width = width;
    this.values = new float[width * 1024];
    slots.defaultReturnValue(-1);
  }

  public int width() {
    return width;
  }

  /** The number of keys stored. */
  public int size() {
    return size;
  }

  /** Adds {@code deltas} (width floats a key) to the keys' values, creating keys at zero. */
  public void add(long[] keys, float[] deltas) {
    checkShape(keys, deltas);
    for (int i = 0; i < keys.length; i++) {
      int base = slotOf(keys[i]) * width;
      int from = i * width;
      for (int j = 0; j < width; j++) {
        values[base + j] += deltas[from + j];
      }
    }
  }

  /** Copies the keys' values into {@code out} (width floats a key); missing keys read as zeros. */
  public void get(long[] keys, float[] out) {
    checkShape(keys, out);
    for (int i = 0; i < keys.length; i++) {
      int slot = slots.get(keys[i]);
      if (slot < 0) {
        Arrays.fill(out, i * width, i * width + width, 0f);
      } else {
        System.arraycopy(values, slot * width, out, i * width, width);
      }
    }
  }

  /** Bytes held for values and the key index, an estimate for metrics. */
  public long bytesUsed() {
    return (long) values.length * Float.BYTES + (long) slots.size() * (Long.BYTES + Integer.BYTES) * 2;
  }

  private int slotOf(long key) {
    int slot = slots.get(key);
    if (slot >= 0) {
      return slot;
    }
    slot = size++;
    if ((long) size * width > values.length) {
      values = Arrays.copyOf(values, Math.max(values.length * 2, size * width));
    }
    slots.put(key, slot);
    return slot;
  }

  private void checkShape(long[] keys, float[] vals) {
    if (vals.length != (long) keys.length * width) {
      throw new IllegalArgumentException("table of width " + width + " got " + keys.length
          + " keys with " + vals.length + " values");
    }
  }
}
