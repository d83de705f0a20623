package dev.psyarn.ps.store;

import dev.psyarn.ps.update.Updater;
import it.unimi.dsi.fastutil.Hash;
import it.unimi.dsi.fastutil.HashCommon;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.Arrays;

/**
 * One table of a server: {@code long} keys to fixed-width {@code float} vectors, with no object
 * per key. A primitive hash map gives each key a slot; slot {@code s} is
 * {@code values[s * slotWidth .. (s + 1) * slotWidth)} in one growing array, laid out and updated
 * by the table's {@link Updater}. Not thread-safe.
 */
public final class KeyValueTable {

  private final int width;
  private final int slotWidth;
  private final Updater updater;
  private final Long2IntOpenHashMap slots = new Long2IntOpenHashMap();
  private float[] values;
  private int size;

  /** A table whose pushes are added to the stored values. */
  public KeyValueTable(int width) {
    this(width, Updater.SUM);
  }

  public KeyValueTable(int width, Updater updater) {
    if (width <= 0) {
      throw new IllegalArgumentException("width must be positive, got " + width);
    }
    this.width = width;
    this.updater = updater;
    this.slotWidth = updater.slotWidth(width);
    this.values = new float[slotWidth * 1024];
    slots.defaultReturnValue(-1);
  }

  public int width() {
    return width;
  }

  /** The number of keys stored. */
  public int size() {
    return size;
  }

  public Updater updater() {
    return updater;
  }

  /** Applies {@code pushed} (width floats a key) to the keys through the updater, creating keys at zero. */
  public void add(long[] keys, float[] pushed) {
    checkShape(keys, pushed);
    for (int i = 0; i < keys.length; i++) {
      int at = slotOf(keys[i]) * slotWidth; // first: it may grow the array
      updater.push(values, at, pushed, i * width, width);
    }
  }

  /** Every key stored, sorted. */
  public long[] keys() {
    long[] keys = slots.keySet().toLongArray();
    java.util.Arrays.sort(keys);
    return keys;
  }

  /** Copies the keys' values into {@code out} (width floats a key); missing keys read as zeros. */
  public void get(long[] keys, float[] out) {
    checkShape(keys, out);
    for (int i = 0; i < keys.length; i++) {
      int slot = slots.get(keys[i]);
      if (slot < 0) {
        Arrays.fill(out, i * width, i * width + width, 0f);
      } else {
        updater.pull(values, slot * slotWidth, out, i * width, width);
      }
    }
  }

  /**
   * Bytes held for the key index (the open-addressing arrays of keys and slots, at fastutil's
   * capacity for this many keys) and the slot array.
   */
  public long bytesUsed() {
    long capacity = HashCommon.arraySize(Math.max(slots.size(), 1), Hash.DEFAULT_LOAD_FACTOR) + 1L;
    return capacity * (Long.BYTES + Integer.BYTES) + (long) values.length * Float.BYTES;
  }

  private int slotOf(long key) {
    int slot = slots.get(key);
    if (slot >= 0) {
      return slot;
    }
    slot = size++;
    if ((long) size * slotWidth > values.length) {
      values = Arrays.copyOf(values, Math.max(values.length * 2, size * slotWidth));
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
