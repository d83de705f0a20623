package dev.psyarn.mapreduce.jobs;

import java.io.IOException;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Reducer;

/** Sums each feature's count; writes {@code feature<TAB>count}; counts distinct and kept features. */
public final class StatsReducer extends Reducer<Text, LongWritable, Text, LongWritable> {

  private final LongWritable sum = new LongWritable();
  private int minCount;

  @Override
  protected void setup(Context context) {
    minCount = context.getConfiguration().getInt(StatsJob.MIN_COUNT, 1);
  }

  @Override
  protected void reduce(Text feature, Iterable<LongWritable> counts, Context context)
      throws IOException, InterruptedException {
    long total = 0;
    for (LongWritable c : counts) {
      total += c.get();
    }
    sum.set(total);
    context.write(feature, sum);
    context.getCounter(PreprocessCounters.FEATURES_DISTINCT).increment(1);
    if (total >= minCount) {
      context.getCounter(PreprocessCounters.FEATURES_KEPT).increment(1);
    }
  }
}
