package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.PsyarnConfig;
import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import dev.psyarn.spec.JobSpecParser;
import java.io.FileNotFoundException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** Where the AM runs the preprocessing jobs: inside itself for a small input, else on the cluster. */
class PreprocessInAmTest {

  private static PreprocessSpec section(String extra) {
    return JobSpecParser.parse("name: t\nroles: {server: {instances: 1}, worker: {instances: 2}}\n"
        + "preprocess:\n  input: /in.csv\n  format: csv\n  label: \"y == 1\"\n  split: {testFraction: 0.5}\n"
        + "  features: [{name: a, column: a}]\n" + extra + "app: {type: sparse-lr}\n").preprocess();
  }

  private static final long MB = 1 << 20;
  /** An AM of 512m's heap. */
  private static final long HEAP = 384 * MB;

  @Test
  void autoRunsOnTheClusterWhenTheAmsHeapIsShortOfItsOwnAndFourTimesTheInput() {
    Configuration conf = new Configuration(false);
    PreprocessSpec auto = section("");
    assertTrue(PreprocessStage.runsInAm(auto, conf, () -> 13 * MB, 288 * MB), "the flights file, am.memory: 384m");
    assertTrue(PreprocessStage.runsInAm(auto, conf, () -> 1, 186 * MB), "a test's CSV, am.memory: 256m");
    assertFalse(PreprocessStage.runsInAm(auto, conf, () -> 64 * MB, 288 * MB), "64 MiB needs 384 MiB of heap");
    assertTrue(PreprocessStage.runsInAm(auto, conf, () -> 64 * MB, 384 * MB));
    assertFalse(PreprocessStage.runsInAm(auto, conf, () -> 1, 100 * MB), "a heap under 128 MiB keeps nothing");
  }

  @Test
  void autoRunsInTheAmUpToTheConfiguredSizeAndNeverForTasksWithARuntime() {
    Configuration conf = new Configuration(false);
    PreprocessSpec auto = section("");
    assertTrue(PreprocessStage.runsInAm(auto, conf, () -> 13 * MB, HEAP), "the flights file");
    assertTrue(PreprocessStage.runsInAm(auto, conf, () -> 64 * MB, HEAP), "the default limit, included");
    assertFalse(PreprocessStage.runsInAm(auto, conf, () -> 64 * MB + 1, HEAP));
    conf.setInt(PsyarnConfig.PREPROCESS_IN_AM_MAX_MB, 512);
    assertTrue(PreprocessStage.runsInAm(auto, conf, () -> 300 * MB, 4096 * MB), "a raised limit");
    conf.setInt(PsyarnConfig.PREPROCESS_IN_AM_MAX_MB, 0);
    assertFalse(PreprocessStage.runsInAm(auto, conf, () -> 1, HEAP), "0: never");
    conf.unset(PsyarnConfig.PREPROCESS_IN_AM_MAX_MB);
    AtomicInteger looked = new AtomicInteger();
    assertFalse(PreprocessStage.runsInAm(section("  runtime: {type: docker, image: psyarn/tasks:1}\n"), conf, () -> {
      looked.incrementAndGet();
      return 1;
    }, HEAP), "tasks in an image run in their own containers");
    assertEquals(0, looked.get(), "not even looked up");
    assertFalse(PreprocessStage.runsInAm(auto, conf, () -> {
      throw new FileNotFoundException("/in.csv");
    }, HEAP), "a missing input is the stage's run to report, from the cluster path");
  }

  @Test
  void amAndClusterAreWhatTheSpecSaysWhateverTheSize() {
    Configuration conf = new Configuration(false);
    assertTrue(PreprocessStage.runsInAm(section("  runIn: am\n"), conf, () -> 100_000 * MB, 64 * MB));
    assertFalse(PreprocessStage.runsInAm(section("  runIn: cluster\n"), conf, () -> 1, HEAP));
  }
}
