package dev.psyarn.mapreduce.jobs;

/** The configuration keys the preprocessing driver hands its tasks. */
final class PreprocessConf {
  /** The {@code preprocess} section as JSON. */
  static final String SPEC = "psyarn.preprocess.spec";
  /** CSV column names (from the header or the spec). */
  static final String COLUMNS = "psyarn.preprocess.columns";
  /** Where tasks write samples of bad records. */
  static final String BAD_DIR = "psyarn.preprocess.bad.dir";
  /** The statistics job's output, read by the shard job's tasks. */
  static final String STATS_DIR = "psyarn.preprocess.stats.dir";
  /** The number of keys shards may use (the hash space, or the dictionary's size). */
  static final String KEY_SPACE = "psyarn.preprocess.keyspace";

  /** The number of shards of each split (the shard job has no reducers: its maps write them). */
  static final String SHARDS = "psyarn.preprocess.shards";

  /** The one-pass stage: the shard job also counts the features (no statistics job runs). */
  static final String COUNT_FEATURES = "psyarn.preprocess.count.features";

  /**
   * The KiB a packet of the shard files' HDFS writes holds (a user's setting, read by the map
   * tasks); 0 leaves HDFS's own {@code dfs.client-write-packet-size}. See {@link ShardParts#packets}.
   */
  static final String SHARD_PACKET_KB = "psyarn.preprocess.shard.packet-kb";
  static final int DEFAULT_SHARD_PACKET_KB = 512;

  private PreprocessConf() {}
}
