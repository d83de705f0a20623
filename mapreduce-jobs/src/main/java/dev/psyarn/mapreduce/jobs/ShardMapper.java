package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.preprocess.FeatureHash;
import dev.psyarn.mapreduce.preprocess.Featurizer;
import dev.psyarn.mapreduce.preprocess.Row;
import dev.psyarn.mapreduce.shard.RecordEncoder;
import dev.psyarn.mapreduce.shard.ShardFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitter;

/**
 * Encodes each row's features as keys (hashed, or through the dictionary of kept features) and
 * deals rows to shards: round-robin per split (balanced within one row per map task). The shard
 * job has no reducers: each map task writes its own part of every shard ({@link ShardParts}), in
 * the order it reads the rows, so nothing is sorted, spilled or shuffled; the training apps
 * shuffle the examples they hold in memory every epoch.
 *
 * <p>In the one-pass stage ({@link PreprocessConf#COUNT_FEATURES}) it also does the statistics
 * job's work: counts the training rows' features ({@link FeatureCounts}, runs beside its output)
 * and the label balance of both splits.
 */
public final class ShardMapper extends RowMapper<NullWritable, NullWritable> {

  private Map<String, Long> keep;
  private long mask;
  private int shards;
  private final long[] next = new long[2];
  private RecordEncoder encoder;
  private KeySort sort;
  private long[] keys = new long[64];
  private float[] values = new float[64];
  private int n;
  /** Whether every value of the row's keys so far is 1. */
  private boolean allOnes;
  /** This task's part of every shard. */
  private ShardParts parts;
  /** The one-pass stage's counts, or null. */
  private FeatureCounts counts;
  private boolean counting;
  private final Featurizer.BytesSink sink = (feature, text, length, value) -> {
    try {
      add(feature, text, length, value);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  };
  /** Train rows, train positives, test rows, test positives; added to the counters at the end. */
  private final long[] balance = new long[4];

  @Override
  protected void setup(Context context) throws IOException {
    super.setup(context);
    Configuration conf = context.getConfiguration();
    shards = conf.getInt(PreprocessConf.SHARDS, -1);
    if (shards < 1) {
      throw new IOException(PreprocessConf.SHARDS + " is " + shards + ": the shard job's driver sets it");
    }
    long keySpace = conf.getLong(PreprocessConf.KEY_SPACE, -1);
    // Hashed keys as fixed-width numbers, unsorted (as long as their gaps, and no sort a row);
    // a dictionary's dense keys as gaps, a byte or two each.
    int keyBytes = spec.encoding().dictionary() ? ShardFormat.GAPS : ShardFormat.keyBytes(keySpace);
    encoder = new RecordEncoder(keySpace, keyBytes);
    sort = new KeySort(keySpace);
    mask = spec.encoding().dictionary() ? 0 : keySpace - 1;
    if (spec.encoding().dictionary() || spec.minCount() > 1) {
      keep = Dictionary.load(conf, new Path(conf.get(PreprocessConf.STATS_DIR)), spec);
    }
    int task = context.getTaskAttemptID().getTaskID().getId();
    next[0] = task;
    next[1] = task;
    // The task attempt's work directory, committed with it (a failed attempt's files never count).
    Path work = ((PathOutputCommitter) context.getOutputCommitter()).getWorkPath();
    parts = new ShardParts(conf, work, task, shards, keySpace, keyBytes);
    if (conf.getBoolean(PreprocessConf.COUNT_FEATURES, false)) {
      counts = new FeatureCounts(conf, work, String.format("m-%05d", task), FeatureCounts.FLUSH_AT,
          new Featurizer(spec));
    }
  }

  @Override
  protected void cleanup(Context context) throws IOException, InterruptedException {
    parts.close();
    context.getCounter(PreprocessCounters.ROWS_WRITTEN_TRAIN).increment(parts.written(ShardFormat.TRAIN));
    context.getCounter(PreprocessCounters.ROWS_WRITTEN_TEST).increment(parts.written(ShardFormat.TEST));
    if (counts != null) {
      counts.flush();
      context.getCounter(PreprocessCounters.TRAIN_ROWS).increment(balance[0]);
      context.getCounter(PreprocessCounters.TRAIN_POSITIVES).increment(balance[1]);
      context.getCounter(PreprocessCounters.TEST_ROWS).increment(balance[2]);
      context.getCounter(PreprocessCounters.TEST_POSITIVES).increment(balance[3]);
    }
    super.cleanup(context);
  }

  @Override
  protected void handle(Row row, long rowId, Context context) throws IOException, InterruptedException {
    int label = featurizer.label(row);
    boolean test = featurizer.isTest(row, rowId);
    n = 0;
    allOnes = true;
    counting = counts != null && !test;
    // A bad record throws while it is read, before its first feature is given: nothing of it is counted.
    featurizer.read(row);
    if (counting) {
      counts.addTuples(featurizer);
    }
    try {
      featurizer.emit(sink);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    if (counts != null) {
      balance[test ? 2 : 0]++;
      balance[test ? 3 : 1] += label;
    }
    // A row of binary features is encoded as it is (fixed-width keys) or sorted as it is encoded
    // (gaps); any other, or one whose keys share a bucket of the encoder's bitmap, is sorted and
    // merged here first.
    int length = allOnes ? encoder.encodeBinary(0, label, keys, n) : -1;
    if (length < 0) {
      int distinct = sort.sortAndMerge(keys, values, n);
      boolean ones = true;
      for (int i = 0; i < distinct && ones; i++) {
        ones = values[i] == 1f;
      }
      length = encoder.encode(0, label, keys, ones ? null : values, distinct);
    }
    byte split = test ? ShardFormat.TEST : ShardFormat.TRAIN;
    parts.write(split, (int) (next[split]++ % shards), encoder.bytes(), 0, length);
  }

  private void add(int feature, byte[] text, int length, float value) throws IOException {
    if (counting) {
      counts.add(feature, text, length);
    }
    long key;
    if (keep != null) {
      Long k = keep.get(new String(text, 0, length, StandardCharsets.UTF_8));
      if (k == null) {
        return;
      }
      key = k;
    } else {
      key = FeatureHash.of(text, length) & mask;
    }
    if (n == keys.length) {
      keys = Arrays.copyOf(keys, n * 2);
      values = Arrays.copyOf(values, n * 2);
    }
    keys[n] = key;
    values[n++] = value;
    allOnes &= value == 1f;
  }

  /**
   * Sorts a row's keys with their values; a key seen twice (a hash collision) sums its values.
   * Keys must be below the key space it is made for. The keys are dealt into 32 buckets by their top
   * bits, in one pass that counts and one that places, and the nearly sorted result is finished by
   * an insertion sort: 118 ns a row of 13 hashed keys, where an insertion sort alone mispredicts a
   * branch at almost every key (141 ns against 87 ns dealt, measured before), and a ranking of each
   * key against every other without branches, and a sorting network, were slower still. Rows of
   * binary features, most rows, are sorted by the encoder's bitmap as they are encoded ({@link
   * RecordEncoder#encodeBinary}); this sorts the others and those whose keys share a bucket there.
   * One a map task.
   */
  static final class KeySort {
    private static final int BUCKETS = 32;
    private final int shift;
    private final int[] starts = new int[BUCKETS + 1];
    private long[] spareKeys = new long[64];
    private float[] spareValues = new float[64];

    KeySort(long keySpace) {
      int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, keySpace - 1));
      shift = Math.max(0, bits - Integer.numberOfTrailingZeros(BUCKETS));
    }

    /** Sorts and merges {@code keys[0..n)} and their values; returns how many distinct keys they start with now. */
    int sortAndMerge(long[] keys, float[] values, int n) {
      boolean allOnes = true;
      for (int i = 0; i < n && allOnes; i++) {
        allOnes = values[i] == 1f;
      }
      if (n > 1) {
        deal(keys, values, n, allOnes);
        finish(keys, values, n, allOnes);
      }
      int out = 0;
      for (int i = 0; i < n; i++) {
        if (out > 0 && keys[out - 1] == keys[i]) {
          values[out - 1] += values[i];
        } else {
          keys[out] = keys[i];
          values[out++] = values[i];
        }
      }
      return out;
    }

    /** Into the spare arrays, bucket by bucket, each bucket's keys in their order. */
    private void deal(long[] keys, float[] values, int n, boolean allOnes) {
      if (spareKeys.length < n) {
        spareKeys = new long[n];
        spareValues = new float[n];
      }
      int[] at = starts;
      Arrays.fill(at, 0);
      for (int i = 0; i < n; i++) {
        at[(int) (keys[i] >>> shift) + 1]++;
      }
      for (int b = 1; b <= BUCKETS; b++) {
        at[b] += at[b - 1];
      }
      long[] spare = spareKeys;
      if (allOnes) {
        for (int i = 0; i < n; i++) {
          long k = keys[i];
          spare[at[(int) (k >>> shift)]++] = k;
        }
      } else {
        for (int i = 0; i < n; i++) {
          int to = at[(int) (keys[i] >>> shift)]++;
          spare[to] = keys[i];
          spareValues[to] = values[i];
        }
      }
    }

    /** Back into {@code keys} (and {@code values}) by insertion: only keys that share a bucket move. */
    private void finish(long[] keys, float[] values, int n, boolean allOnes) {
      long[] spare = spareKeys;
      keys[0] = spare[0];
      if (allOnes) {
        for (int i = 1; i < n; i++) {
          long k = spare[i];
          int j = i - 1;
          while (j >= 0 && keys[j] > k) {
            keys[j + 1] = keys[j];
            j--;
          }
          keys[j + 1] = k;
        }
      } else {
        values[0] = spareValues[0];
        for (int i = 1; i < n; i++) {
          long k = spare[i];
          float v = spareValues[i];
          int j = i - 1;
          while (j >= 0 && keys[j] > k) {
            keys[j + 1] = keys[j];
            values[j + 1] = values[j];
            j--;
          }
          keys[j + 1] = k;
          values[j + 1] = v;
        }
      }
    }
  }
}
