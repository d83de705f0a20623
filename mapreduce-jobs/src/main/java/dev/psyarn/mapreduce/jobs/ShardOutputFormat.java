package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.shard.ShardFormat;
import dev.psyarn.mapreduce.shard.ShardWriter;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.FileOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;

/**
 * Writes reducer {@code i}'s rows into {@code train-0000i.shard} and {@code test-0000i.shard}
 * (both always exist, so every worker finds its files), committed with the task.
 */
public final class ShardOutputFormat extends FileOutputFormat<BytesWritable, BytesWritable> {

  @Override
  public RecordWriter<BytesWritable, BytesWritable> getRecordWriter(TaskAttemptContext context) throws IOException {
    Configuration conf = context.getConfiguration();
    Path dir = ((FileOutputCommitter) getOutputCommitter(context)).getWorkPath();
    FileSystem fs = dir.getFileSystem(conf);
    int shard = context.getTaskAttemptID().getTaskID().getId();
    int shards = context.getNumReduceTasks();
    long keySpace = conf.getLong(PreprocessConf.KEY_SPACE, -1);
    ShardWriter[] writers = new ShardWriter[2];
    for (byte split : new byte[] {ShardFormat.TRAIN, ShardFormat.TEST}) {
      writers[split] = new ShardWriter(fs.create(new Path(dir, ShardFormat.fileName(split, shard)), false),
          shard, shards, split, keySpace);
    }
    return new RecordWriter<>() {
      @Override
      public void write(BytesWritable key, BytesWritable value) throws IOException {
        byte[] b = value.getBytes();
        writers[b[0]].writeEncoded(b, 1, value.getLength() - 1);
        context.getCounter(b[0] == ShardFormat.TRAIN ? PreprocessCounters.ROWS_WRITTEN_TRAIN
            : PreprocessCounters.ROWS_WRITTEN_TEST).increment(1);
      }

      @Override
      public void close(TaskAttemptContext c) throws IOException {
        writers[0].close();
        writers[1].close();
      }
    };
  }
}
