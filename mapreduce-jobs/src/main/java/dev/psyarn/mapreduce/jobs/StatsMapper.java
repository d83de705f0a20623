package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.preprocess.Featurizer;
import dev.psyarn.mapreduce.preprocess.Row;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;

/**
 * Counts each feature over the training rows (the test rows never decide what is kept), with
 * in-mapper combining, and the label balance of both splits as counters.
 */
public final class StatsMapper extends RowMapper<Text, LongWritable> {

  /** Distinct features held before the counts are flushed. */
  static final int FLUSH_AT = 500_000;

  private final Map<String, long[]> counts = new HashMap<>();
  private final Text text = new Text();
  private final LongWritable count = new LongWritable();
  /** Train rows, train positives, test rows, test positives; added to the counters at the end. */
  private final long[] balance = new long[4];
  private final Featurizer.Sink counting = (t, v) -> counts.computeIfAbsent(t, k -> new long[1])[0]++;

  @Override
  protected void handle(Row row, long rowId, Context context) throws IOException, InterruptedException {
    int label = featurizer.label(row);
    boolean test = featurizer.isTest(row, rowId);
    if (test) {
      featurizer.features(row, (t, v) -> { });
      balance[2]++;
      balance[3] += label;
      return;
    }
    featurizer.features(row, counting);
    balance[0]++;
    balance[1] += label;
    if (counts.size() >= FLUSH_AT) {
      flush(context);
    }
  }

  @Override
  protected void cleanup(Context context) throws IOException, InterruptedException {
    flush(context);
    context.getCounter(PreprocessCounters.TRAIN_ROWS).increment(balance[0]);
    context.getCounter(PreprocessCounters.TRAIN_POSITIVES).increment(balance[1]);
    context.getCounter(PreprocessCounters.TEST_ROWS).increment(balance[2]);
    context.getCounter(PreprocessCounters.TEST_POSITIVES).increment(balance[3]);
    super.cleanup(context);
  }

  private void flush(Context context) throws IOException, InterruptedException {
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      text.set(e.getKey());
      count.set(e.getValue()[0]);
      context.write(text, count);
    }
    counts.clear();
  }
}
