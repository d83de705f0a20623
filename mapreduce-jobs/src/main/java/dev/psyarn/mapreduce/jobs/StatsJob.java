package dev.psyarn.mapreduce.jobs;

import org.apache.hadoop.util.ToolRunner;

/**
 * The statistics job alone, as a Hadoop Tool: feature counts over the training rows, label
 * balance and bad records of the spec's input.
 *
 * <pre>yarn jar psyarn.jar dev.psyarn.mapreduce.jobs.StatsJob SPEC.yaml OUTPUT_DIR SHARDS</pre>
 *
 * writes {@code OUTPUT_DIR/stats/part-r-*} ({@code feature<TAB>count}) and {@code stats.json}.
 */
public final class StatsJob {

  /** Features counted fewer times are not kept. */
  static final String MIN_COUNT = "psyarn.preprocess.min.count";

  private StatsJob() {}

  public static void main(String[] args) throws Exception {
    System.exit(ToolRunner.run(new Preprocess(Preprocess.Stage.STATS), args));
  }
}
