package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.shard.ShardFormat;
import dev.psyarn.mapreduce.shard.ShardWriter;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.IntWritable;
import org.apache.hadoop.mapreduce.RecordWriter;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.output.FileOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;

/**
 * Writes map task {@code p}'s rows into its part of every shard of both splits
 * ({@link ShardFormat#fileName(byte, int, int)}: map task 0 writes {@code train-0000i.shard}, so
 * every shard's first part exists for every worker even when a task has no row for it), committed
 * with the task. The key is the shard; the value's first byte the split.
 */
public final class ShardOutputFormat extends FileOutputFormat<IntWritable, BytesWritable> {

  @Override
  public RecordWriter<IntWritable, BytesWritable> getRecordWriter(TaskAttemptContext context) throws IOException {
    Configuration conf = context.getConfiguration();
    Path dir = ((FileOutputCommitter) getOutputCommitter(context)).getWorkPath();
    FileSystem fs = dir.getFileSystem(conf);
    int part = context.getTaskAttemptID().getTaskID().getId();
    int shards = conf.getInt(PreprocessConf.SHARDS, -1);
    long keySpace = conf.getLong(PreprocessConf.KEY_SPACE, -1);
    ShardWriter[][] writers = new ShardWriter[2][shards];
    for (byte split : new byte[] {ShardFormat.TRAIN, ShardFormat.TEST}) {
      for (int shard = 0; shard < shards; shard++) {
        writers[split][shard] = new ShardWriter(fs.create(new Path(dir, ShardFormat.fileName(split, shard, part)),
            false), shard, shards, split, keySpace);
      }
    }
    return new RecordWriter<>() {
      @Override
      public void write(IntWritable key, BytesWritable value) throws IOException {
        byte[] b = value.getBytes();
        writers[b[0]][key.get()].writeEncoded(b, 1, value.getLength() - 1);
        context.getCounter(b[0] == ShardFormat.TRAIN ? PreprocessCounters.ROWS_WRITTEN_TRAIN
            : PreprocessCounters.ROWS_WRITTEN_TEST).increment(1);
      }

      @Override
      public void close(TaskAttemptContext c) throws IOException {
        for (ShardWriter[] split : writers) {
          for (ShardWriter w : split) {
            w.close();
          }
        }
      }
    };
  }
}
