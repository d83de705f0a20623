package dev.psyarn.mapreduce.jobs;

/** The MapReduce counters of the preprocessing jobs (group {@code dev.psyarn.mapreduce.jobs.PreprocessCounters}). */
public enum PreprocessCounters {
  ROWS_READ,
  BAD_RECORDS,
  TRAIN_ROWS,
  TRAIN_POSITIVES,
  TEST_ROWS,
  TEST_POSITIVES,
  FEATURES_DISTINCT,
  FEATURES_KEPT,
  ROWS_WRITTEN_TRAIN,
  ROWS_WRITTEN_TEST,
  /** Map tasks that ran to their end (LocalJobRunner counts no launched maps of its own). */
  MAP_TASKS
}
