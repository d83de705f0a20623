package dev.psyarn.ps.apps;

import dev.psyarn.mapreduce.flights.FlightsFeatures;
import dev.psyarn.mapreduce.flights.FlightsParquet;
import dev.psyarn.mapreduce.shard.Example;
import dev.psyarn.mapreduce.shard.ShardReader;
import java.util.List;
import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Examples held in memory as flat primitive arrays: example {@code i} has label {@code labels[i]}
 * and keys {@code keys[offsets[i] .. offsets[i + 1])}, sorted, with {@code values} at the same
 * positions (null when every value is 1, as for binary features). {@code keys} and {@code values}
 * may run past the last example's end ({@link #keyCount()}): a loaded set keeps a little slack
 * rather than copying its largest arrays once more.
 */
final class Examples {

  final byte[] labels;
  final int[] offsets;
  final long[] keys;
  final float[] values;
  /** Keys are below this (the bias key); 0 when unknown. */
  final long keySpace;

  Examples(byte[] labels, int[] offsets, long[] keys) {
    this(labels, offsets, keys, null, 0);
  }

  Examples(byte[] labels, int[] offsets, long[] keys, float[] values, long keySpace) {
    this.labels = labels;
    this.offsets = offsets;
    this.keys = keys;
    this.values = values;
    this.keySpace = keySpace;
  }

  /** The value at a key position: 1 for binary features. */
  float value(int at) {
    return values == null ? 1f : values[at];
  }

  /**
   * Reads shard files (written by the preprocessing jobs) in order; all must share one key space.
   */
  static Examples fromShards(Configuration conf, List<Path> files) throws IOException {
    long bytes = 0;
    for (Path file : files) {
      bytes += file.getFileSystem(conf).getFileStatus(file).getLen();
    }
    // Sized from the files: a key takes about 3 bytes (a varint gap of a hashed key space, fewer
    // with a dictionary) and a row about 40, so the arrays seldom grow (each growth copies them).
    Builder b = new Builder((int) Math.min(1 << 28, bytes / 24 + 1024), (int) Math.min(1 << 30, bytes / 3 + 1024));
    long keySpace = -1;
    Example ex = new Example();
    for (Path file : files) {
      try (ShardReader in = ShardReader.open(conf, file)) {
        if (keySpace >= 0 && in.keySpace() != keySpace) {
          throw new IOException(file + " has key space " + in.keySpace() + ", other shards " + keySpace);
        }
        keySpace = in.keySpace();
        while (in.next(ex)) {
          b.add(ex.label, ex.keys, ex.hasValues ? ex.values : null, ex.size);
        }
      }
    }
    return b.build(keySpace);
  }

  int size() {
    return labels.length;
  }

  /** Keys of all examples: {@code keys} and {@code values} hold them from 0 to here. */
  int keyCount() {
    return offsets[labels.length];
  }

  /** Bytes of the arrays that hold these examples. */
  long bytes() {
    return labels.length + 4L * offsets.length + 8L * keys.length + (values == null ? 0 : 4L * values.length);
  }

  /**
   * These examples in the order {@code order} gives: example {@code i} of the result is example
   * {@code order[i]} of these. Written into the arrays of {@code reuse} (a result of an earlier
   * call on these examples) when given, so an epoch's copy costs no allocation. A pass through a
   * shuffled order jumps to a new place in memory for every example, in each loop that reads it;
   * the copy jumps once, and the loops then read front to back.
   */
  Examples reordered(int[] order, Examples reuse) {
    int n = size();
    Examples out = reuse != null ? reuse
        : new Examples(new byte[n], new int[n + 1], new long[keyCount()], values == null ? null : new float[keyCount()],
            keySpace);
    int at = 0;
    for (int i = 0; i < n; i++) {
      int e = order[i];
      int from = offsets[e];
      int to = offsets[e + 1];
      System.arraycopy(keys, from, out.keys, at, to - from);
      if (values != null) {
        System.arraycopy(values, from, out.values, at, to - from);
      }
      at += to - from;
      out.offsets[i + 1] = at;
      out.labels[i] = labels[e];
    }
    return out;
  }

  /**
   * Reads the rows of one split that belong to this worker: training rows whose index modulo
   * {@code parts} is {@code part}, or every test row when {@code parts} is 1.
   */
  static Examples load(Configuration conf, Path file, FlightsFeatures features, boolean test, int part, int parts)
      throws IOException {
    Builder b = new Builder();
    long[] row = new long[FlightsFeatures.PER_ROW];
    FlightsParquet.read(conf, file, (index, micros, delay, distance, origin, destination) -> {
      if (FlightsFeatures.isTest(micros) == test && index % parts == part) {
        int n = features.features(micros, distance, origin, destination, row);
        b.add(FlightsFeatures.label(delay), row, null, n);
      }
    });
    return b.build();
  }

  private static final class Builder {
    private byte[] labels;
    private int[] offsets;
    private long[] keys;
    private float[] values;
    private int n;

    Builder() {
      this(1 << 16, (1 << 16) * FlightsFeatures.PER_ROW);
    }

    Builder(int rows, int keyCount) {
      labels = new byte[rows];
      offsets = new int[rows + 1];
      keys = new long[keyCount];
    }

    void add(int label, long[] row, float[] rowValues, int count) {
      if (n + 1 >= labels.length) {
        int more = labels.length + (labels.length >> 1);
        labels = Arrays.copyOf(labels, more);
        offsets = Arrays.copyOf(offsets, more + 1);
      }
      int at = offsets[n];
      while (at + count > keys.length) {
        keys = Arrays.copyOf(keys, keys.length + (keys.length >> 1) + count);
      }
      if (rowValues != null && values == null) {
        values = new float[keys.length];
        Arrays.fill(values, 0, at, 1f);
      }
      if (values != null) {
        if (values.length < keys.length) {
          values = Arrays.copyOf(values, keys.length);
        }
        if (rowValues != null) {
          System.arraycopy(rowValues, 0, values, at, count);
        } else {
          Arrays.fill(values, at, at + count, 1f);
        }
      }
      System.arraycopy(row, 0, keys, at, count);
      labels[n] = (byte) label;
      offsets[++n] = at + count;
    }

    Examples build() {
      return build(0);
    }

    /**
     * The examples added. Labels and offsets are cut to size; keys and values (8 and 4 bytes a
     * feature: most of the memory, sized ahead from the files) are kept as they are when at most an
     * eighth of them is unused, since a copy allocates, zeroes and fills them all again.
     */
    Examples build(long keySpace) {
      int used = offsets[n];
      boolean keep = keys.length - used <= keys.length >> 3;
      return new Examples(Arrays.copyOf(labels, n), Arrays.copyOf(offsets, n + 1), keep ? keys : Arrays.copyOf(keys, used),
          values == null ? null : keep && values.length == keys.length ? values : Arrays.copyOf(values, used), keySpace);
    }
  }
}
