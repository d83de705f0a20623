package dev.psyarn.mapreduce.jobs;

import org.apache.hadoop.util.ToolRunner;

/**
 * The shard job alone, as a Hadoop Tool: SHARDS balanced shards of each split, keys
 * encoded as the spec says (a dictionary or a count filter reads {@code OUTPUT_DIR/stats}, which
 * {@link StatsJob} writes).
 *
 * <pre>yarn jar psyarn.jar dev.psyarn.mapreduce.jobs.ShardJob SPEC.yaml OUTPUT_DIR SHARDS</pre>
 *
 * writes {@code OUTPUT_DIR/shards/{train,test}-0000i.shard} and {@code shards.json}.
 */
public final class ShardJob {

  private ShardJob() {}

  public static void main(String[] args) throws Exception {
    System.exit(ToolRunner.run(new Preprocess(Preprocess.Stage.SHARD), args));
  }
}
