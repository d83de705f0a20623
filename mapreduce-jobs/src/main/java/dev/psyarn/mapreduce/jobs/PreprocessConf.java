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

  private PreprocessConf() {}
}
