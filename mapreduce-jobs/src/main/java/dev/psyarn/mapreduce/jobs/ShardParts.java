package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.shard.ShardFormat;
import dev.psyarn.mapreduce.shard.ShardWriter;
import java.io.Closeable;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One map task's part of every shard of both splits ({@link ShardFormat#fileName(byte, int, int)}:
 * map task 0 writes {@code train-0000i.shard}, so every shard's first part exists for every worker
 * even when a task has no row for it), written into the task attempt's work directory and
 * committed with it, so a failed attempt's parts never count. The map task writes them itself
 * rather than through {@code context.write}: MapReduce's output collector walks every file
 * system's statistics twice a record, a tenth of the task's time.
 */
final class ShardParts implements Closeable {

  private final ShardWriter[][] writers;
  private final long[] written = new long[2];

  ShardParts(Configuration conf, Path workDir, int part, int shards, long keySpace) throws IOException {
    FileSystem fs = workDir.getFileSystem(conf);
    writers = new ShardWriter[2][shards];
    for (byte split : new byte[] {ShardFormat.TRAIN, ShardFormat.TEST}) {
      for (int shard = 0; shard < shards; shard++) {
        writers[split][shard] = new ShardWriter(fs.create(new Path(workDir, ShardFormat.fileName(split, shard, part)),
            false), shard, shards, split, keySpace);
      }
    }
  }

  /** Appends a record encoded by {@code RecordEncoder} to a shard of a split. */
  void write(byte split, int shard, byte[] record, int offset, int length) throws IOException {
    writers[split][shard].writeEncoded(record, offset, length);
    written[split]++;
  }

  /** The records written to every shard of a split. */
  long written(byte split) {
    return written[split];
  }

  @Override
  public void close() throws IOException {
    for (ShardWriter[] split : writers) {
      for (ShardWriter w : split) {
        w.close();
      }
    }
  }
}
