package dev.psyarn.mapreduce.jobs;

import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.mapreduce.Partitioner;

/** Sends a row to the reducer of its shard, the key's first four bytes. */
public final class ShardPartitioner extends Partitioner<BytesWritable, BytesWritable> {
  @Override
  public int getPartition(BytesWritable key, BytesWritable value, int partitions) {
    byte[] b = key.getBytes();
    int shard = (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    return shard % partitions;
  }
}
