package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.preprocess.FeatureHash;
import dev.psyarn.mapreduce.preprocess.Featurizer;
import dev.psyarn.mapreduce.preprocess.Row;
import dev.psyarn.mapreduce.shard.RecordEncoder;
import dev.psyarn.mapreduce.shard.ShardFormat;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.BytesWritable;

/**
 * Encodes each row's features as keys (hashed, or through the dictionary of kept features) and
 * deals rows to shards: round-robin per split (balanced within one row per map task), ordered
 * within a shard by a hash of the row's id (a shuffle that is the same in every run).
 *
 * <p>Map output key: shard (int), then a 64-bit hash of the row id and the seed (the shuffle order;
 * ids are distinct, so equal hashes are as rare as 64-bit collisions). Value: split (byte), then
 * the shard record.
 */
public final class ShardMapper extends RowMapper<BytesWritable, BytesWritable> {

  private Map<String, Long> keep;
  private long mask;
  private int shards;
  private final long[] next = new long[2];
  private RecordEncoder encoder;
  private long[] keys = new long[64];
  private float[] values = new float[64];
  private int n;
  private final byte[] keyBytes = new byte[12];
  private final BytesWritable outKey = new BytesWritable();
  private final BytesWritable outValue = new BytesWritable();

  @Override
  protected void setup(Context context) throws IOException {
    super.setup(context);
    Configuration conf = context.getConfiguration();
    shards = context.getNumReduceTasks();
    long keySpace = conf.getLong(PreprocessConf.KEY_SPACE, -1);
    encoder = new RecordEncoder(keySpace);
    mask = spec.encoding().dictionary() ? 0 : keySpace - 1;
    if (spec.encoding().dictionary() || spec.minCount() > 1) {
      keep = Dictionary.load(conf, new org.apache.hadoop.fs.Path(conf.get(PreprocessConf.STATS_DIR)), spec);
    }
    int task = context.getTaskAttemptID().getTaskID().getId();
    next[0] = task;
    next[1] = task;
  }

  @Override
  protected void handle(Row row, long rowId, Context context) throws IOException, InterruptedException {
    int label = featurizer.label(row);
    boolean test = featurizer.isTest(row, rowId);
    n = 0;
    featurizer.features(row, this::add);
    int distinct = sortAndMerge();
    boolean allOnes = true;
    for (int i = 0; i < distinct && allOnes; i++) {
      allOnes = values[i] == 1f;
    }
    byte split = test ? ShardFormat.TEST : ShardFormat.TRAIN;
    int length = encoder.encode(1, label, keys, allOnes ? null : values, distinct);
    byte[] bytes = encoder.bytes();
    bytes[0] = split;
    outValue.set(bytes, 0, length);
    int shard = (int) (next[split]++ % shards);
    long shuffle = Featurizer.mix(rowId ^ spec.seed());
    writeInt(keyBytes, 0, shard);
    writeLong(keyBytes, 4, shuffle);
    outKey.set(keyBytes, 0, keyBytes.length);
    context.write(outKey, outValue);
  }

  private void add(String text, float value) {
    long key;
    if (keep != null) {
      Long k = keep.get(text);
      if (k == null) {
        return;
      }
      key = k;
    } else {
      key = FeatureHash.of(text) & mask;
    }
    if (n == keys.length) {
      keys = Arrays.copyOf(keys, n * 2);
      values = Arrays.copyOf(values, n * 2);
    }
    keys[n] = key;
    values[n++] = value;
  }

  /** Sorts keys with their values; a key seen twice (a hash collision) sums its values. */
  private int sortAndMerge() {
    for (int i = 1; i < n; i++) {
      long k = keys[i];
      float v = values[i];
      int j = i - 1;
      while (j >= 0 && keys[j] > k) {
        keys[j + 1] = keys[j];
        values[j + 1] = values[j];
        j--;
      }
      keys[j + 1] = k;
      values[j + 1] = v;
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

  private static void writeInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  private static void writeLong(byte[] b, int at, long v) {
    writeInt(b, at, (int) (v >>> 32));
    writeInt(b, at + 4, (int) v);
  }
}
