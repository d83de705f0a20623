package dev.psyarn.mapreduce.jobs;

/** Configuration of the statistics job. */
final class StatsJob {
  /** Features counted fewer times are not kept. */
  static final String MIN_COUNT = "psyarn.preprocess.min.count";

  private StatsJob() {}
}
