package dev.psyarn.mapreduce.jobs;

import java.io.IOException;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;

/**
 * The shard job's output: the shard directory and its committer ({@code FileOutputCommitter}),
 * which commits what each map task wrote into its work directory, its parts of the shards
 * ({@link ShardParts}) and its feature counts. The tasks write no records through MapReduce.
 */
public final class ShardOutputFormat extends FileOutputFormat<NullWritable, NullWritable> {

  @Override
  public RecordWriter<NullWritable, NullWritable> getRecordWriter(TaskAttemptContext context) {
    return new RecordWriter<>() {
      @Override
      public void write(NullWritable key, NullWritable value) {
        throw new UnsupportedOperationException("the shard job's map tasks write their parts themselves (ShardParts)");
      }

      @Override
      public void close(TaskAttemptContext c) throws IOException {
        // Nothing was opened.
      }
    };
  }
}
