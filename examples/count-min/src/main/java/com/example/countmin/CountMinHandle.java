package com.example.countmin;

import dev.psyarn.ps.api.ServerHandle;
import dev.psyarn.ps.update.UpdaterSpec;
import java.nio.FloatBuffer;

/**
 * The servers' side of the sketch: each server keeps a count-min sketch of {@code depth} rows of
 * {@code width} counters for the items of its key range. A push adds each item's count to one
 * counter a row; a pull answers the smallest of an item's counters, which is never below its true
 * count and, with probability 1 - e^-depth, at most e/width times the server's total above it.
 */
public final class CountMinHandle implements ServerHandle {

  private final int depth;
  private final int width;
  private final long[][] counters;

  public CountMinHandle(UpdaterSpec spec) {
    this.depth = spec.intOption("depth", 4);
    this.width = spec.intOption("width", 1 << 12);
    this.counters = new long[depth][width];
  }

  @Override
  public void push(long[] keys, FloatBuffer values, int valueWidth) {
    for (int i = 0; i < keys.length; i++) {
      long count = (long) values.get(i * valueWidth);
      for (int row = 0; row < depth; row++) {
        counters[row][Hashing.column(keys[i], row, width)] += count;
      }
    }
  }

  @Override
  public void pull(long[] keys, FloatBuffer out, int valueWidth) {
    for (long key : keys) {
      long least = Long.MAX_VALUE;
      for (int row = 0; row < depth; row++) {
        least = Math.min(least, counters[row][Hashing.column(key, row, width)]);
      }
      out.put(least);
      for (int j = 1; j < valueWidth; j++) {
        out.put(0f);
      }
    }
  }

  @Override
  public long bytesUsed() {
    return (long) depth * width * Long.BYTES;
  }
}
