package dev.psyarn.ps.apps;

import dev.psyarn.mapreduce.flights.FlightsFeatures;
import dev.psyarn.mapreduce.flights.FlightsParquet;
import dev.psyarn.mapreduce.shard.Example;
import dev.psyarn.mapreduce.shard.ShardReader;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.io.IOException;
import java.util.List;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Examples held in memory as flat primitive arrays: example {@code i} has label {@code labels[i]}
 * and keys {@code keys[offsets[i] .. offsets[i + 1])}, distinct, in their shard's order (ascending,
 * or as the row's features were made: docs/shard-format.md), with {@code values} at the same
 * positions (null when every value is 1, as for binary features). {@code keys} and {@code values}
 * may run past the last example's end ({@link #keyCount()}): a loaded set keeps a little slack
 * rather than copying its largest arrays once more.
 *
 * <p>A <em>numbered</em> set ({@link #numbered()}, or loaded with numbering) holds, instead of
 * {@code keys}, the sorted distinct keys of all its examples ({@code vocabulary}) and for every
 * feature the number of its key among them ({@code ids}: {@code key = vocabulary[ids[at]]}). A
 * worker's shard uses a few ten thousand keys millions of times: its ids take half the memory of
 * the keys, an epoch's shuffled copy half the copying, and a minibatch's distinct keys come out
 * sorted from a bit set of the ids ({@link Trainer}), without sorting the batch's keys.
 */
final class Examples {

  final byte[] labels;
  final int[] offsets;
  /** The keys, or null when numbered. */
  final long[] keys;
  final float[] values;
  /** Keys are below this (the bias key); 0 when unknown. */
  final long keySpace;
  /** Numbered: each feature's key's number in {@link #vocabulary}; null otherwise. */
  final int[] ids;
  /** Numbered: the sorted distinct keys; null otherwise. */
  final long[] vocabulary;

  Examples(byte[] labels, int[] offsets, long[] keys) {
    this(labels, offsets, keys, null, 0);
  }

  Examples(byte[] labels, int[] offsets, long[] keys, float[] values, long keySpace) {
    this(labels, offsets, keys, null, null, values, keySpace);
  }

  private Examples(byte[] labels, int[] offsets, long[] keys, int[] ids, long[] vocabulary, float[] values,
      long keySpace) {
    this.labels = labels;
    this.offsets = offsets;
    this.keys = keys;
    this.ids = ids;
    this.vocabulary = vocabulary;
    this.values = values;
    this.keySpace = keySpace;
  }

  /** The value at a key position: 1 for binary features. */
  float value(int at) {
    return values == null ? 1f : values[at];
  }

  /** The key at a key position. */
  long key(int at) {
    return keys != null ? keys[at] : vocabulary[ids[at]];
  }

  boolean isNumbered() {
    return ids != null;
  }

  /** These examples numbered (see the class's comment): the same examples, keys, values and order. */
  Examples numbered() {
    if (isNumbered()) {
      return this;
    }
    Numbering numbering = new Numbering();
    int n = keyCount();
    int[] numbers = new int[n];
    for (int k = 0; k < n; k++) {
      numbers[k] = numbering.number(keys[k]);
    }
    return new Examples(labels, offsets, null, numbers, numbering.finish(numbers, n), values, keySpace);
  }

  /**
   * Reads shard files (written by the preprocessing jobs) in order; all must share one key space.
   */
  static Examples fromShards(Configuration conf, List<Path> files) throws IOException {
    return fromShards(conf, files, false);
  }

  /**
   * Reads shard files (written by the preprocessing jobs) in order, numbered as they are read when
   * {@code numbered} (see the class's comment); all must share one key space.
   */
  static Examples fromShards(Configuration conf, List<Path> files, boolean numbered) throws IOException {
    long bytes = 0;
    for (Path file : files) {
      bytes += file.getFileSystem(conf).getFileStatus(file).getLen();
    }
    // Sized from the files: a key takes about 3 bytes (of a hashed key space of 2^24, fewer with a
    // dictionary) and a row about 40, so the arrays seldom grow (each growth copies them).
    Builder b = new Builder((int) Math.min(1 << 28, bytes / 24 + 1024), (int) Math.min(1 << 30, bytes / 3 + 1024),
        numbered);
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
    return labels.length + 4L * offsets.length + (values == null ? 0 : 4L * values.length)
        + (keys != null ? 8L * keys.length : 4L * ids.length + 8L * vocabulary.length);
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
        : new Examples(new byte[n], new int[n + 1], keys == null ? null : new long[keyCount()],
            ids == null ? null : new int[keyCount()], vocabulary, values == null ? null : new float[keyCount()], keySpace);
    int at = 0;
    for (int i = 0; i < n; i++) {
      int e = order[i];
      int from = offsets[e];
      int to = offsets[e + 1];
      if (keys != null) {
        System.arraycopy(keys, from, out.keys, at, to - from);
      } else {
        System.arraycopy(ids, from, out.ids, at, to - from);
      }
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

  /**
   * Numbers keys as they come (one hash lookup a feature: a few ten thousand distinct keys among
   * millions of features), then sorts the distinct ones and renumbers by rank, which costs less
   * than sorting every feature's key.
   */
  static final class Numbering {
    private final Long2IntOpenHashMap first = new Long2IntOpenHashMap(1 << 16);
    private long[] distinct = new long[1024];
    private int unique;

    Numbering() {
      first.defaultReturnValue(-1);
    }

    /** The key's number in the order keys first came. */
    int number(long key) {
      int at = first.putIfAbsent(key, unique);
      if (at < 0) {
        if (unique == distinct.length) {
          distinct = Arrays.copyOf(distinct, unique * 2);
        }
        distinct[unique] = key;
        at = unique++;
      }
      return at;
    }

    /** Renumbers {@code numbers[0..n)} by the keys' rank and returns the sorted distinct keys. */
    long[] finish(int[] numbers, int n) {
      long[] sorted = Arrays.copyOf(distinct, unique);
      Arrays.sort(sorted);
      int[] rank = new int[unique]; // first-come number → position among the sorted keys
      for (int r = 0; r < unique; r++) {
        rank[first.get(sorted[r])] = r;
      }
      for (int k = 0; k < n; k++) {
        numbers[k] = rank[numbers[k]];
      }
      return sorted;
    }
  }

  private static final class Builder {
    private byte[] labels;
    private int[] offsets;
    private long[] keys;
    private int[] ids;
    private final Numbering numbering;
    private float[] values;
    private int n;

    Builder() {
      this(1 << 16, (1 << 16) * FlightsFeatures.PER_ROW, false);
    }

    Builder(int rows, int keyCount, boolean numbered) {
      labels = new byte[rows];
      offsets = new int[rows + 1];
      if (numbered) {
        ids = new int[keyCount];
        numbering = new Numbering();
      } else {
        keys = new long[keyCount];
        numbering = null;
      }
    }

    private int capacity() {
      return keys != null ? keys.length : ids.length;
    }

    void add(int label, long[] row, float[] rowValues, int count) {
      if (n + 1 >= labels.length) {
        int more = labels.length + (labels.length >> 1);
        labels = Arrays.copyOf(labels, more);
        offsets = Arrays.copyOf(offsets, more + 1);
      }
      int at = offsets[n];
      while (at + count > capacity()) {
        int more = capacity() + (capacity() >> 1) + count;
        if (keys != null) {
          keys = Arrays.copyOf(keys, more);
        } else {
          ids = Arrays.copyOf(ids, more);
        }
      }
      if (rowValues != null && values == null) {
        values = new float[capacity()];
        Arrays.fill(values, 0, at, 1f);
      }
      if (values != null) {
        if (values.length < capacity()) {
          values = Arrays.copyOf(values, capacity());
        }
        if (rowValues != null) {
          System.arraycopy(rowValues, 0, values, at, count);
        } else {
          Arrays.fill(values, at, at + count, 1f);
        }
      }
      if (keys != null) {
        System.arraycopy(row, 0, keys, at, count);
      } else {
        for (int k = 0; k < count; k++) {
          ids[at + k] = numbering.number(row[k]);
        }
      }
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
      int capacity = capacity();
      boolean keep = capacity - used <= capacity >> 3;
      float[] v = values == null ? null : keep && values.length == capacity ? values : Arrays.copyOf(values, used);
      if (keys != null) {
        return new Examples(Arrays.copyOf(labels, n), Arrays.copyOf(offsets, n + 1), keep ? keys : Arrays.copyOf(keys, used),
            v, keySpace);
      }
      int[] numbers = keep ? ids : Arrays.copyOf(ids, used);
      long[] vocabulary = numbering.finish(numbers, used);
      return new Examples(Arrays.copyOf(labels, n), Arrays.copyOf(offsets, n + 1), null, numbers, vocabulary, v, keySpace);
    }
  }
}
