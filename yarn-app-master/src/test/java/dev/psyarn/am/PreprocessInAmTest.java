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
    assertTrue(PreprocessPlacement.inAm(auto, conf, () -> 13 * MB, 288 * MB, 2, 2), "the flights file, am.memory: 384m");
    assertTrue(PreprocessPlacement.inAm(auto, conf, () -> 1, 186 * MB, 2, 2), "a test's CSV, am.memory: 256m");
    assertFalse(PreprocessPlacement.inAm(auto, conf, () -> 64 * MB, 288 * MB, 2, 2), "64 MiB needs 384 MiB of heap");
    assertTrue(PreprocessPlacement.inAm(auto, conf, () -> 64 * MB, 384 * MB, 2, 2));
    assertFalse(PreprocessPlacement.inAm(auto, conf, () -> 1, 100 * MB, 2, 2), "a heap under 128 MiB keeps nothing");
  }

  @Test
  void autoRunsInTheAmUpToTheConfiguredSizeAndNeverForTasksWithARuntime() {
    Configuration conf = new Configuration(false);
    PreprocessSpec auto = section("");
    assertTrue(PreprocessPlacement.inAm(auto, conf, () -> 13 * MB, HEAP, 2, 2), "the flights file");
    assertTrue(PreprocessPlacement.inAm(auto, conf, () -> 64 * MB, HEAP, 2, 2), "the default limit, included");
    assertFalse(PreprocessPlacement.inAm(auto, conf, () -> 64 * MB + 1, HEAP, 2, 2));
    conf.setInt(PsyarnConfig.PREPROCESS_IN_AM_MAX_MB, 512);
    assertTrue(PreprocessPlacement.inAm(auto, conf, () -> 300 * MB, 4096 * MB, 2, 2), "a raised limit");
    conf.setInt(PsyarnConfig.PREPROCESS_IN_AM_MAX_MB, 0);
    assertFalse(PreprocessPlacement.inAm(auto, conf, () -> 1, HEAP, 2, 2), "0: never");
    conf.unset(PsyarnConfig.PREPROCESS_IN_AM_MAX_MB);
    AtomicInteger looked = new AtomicInteger();
    assertFalse(PreprocessPlacement.inAm(section("  runtime: {type: docker, image: psyarn/tasks:1}\n"), conf, () -> {
      looked.incrementAndGet();
      return 1;
    }, HEAP, 2, 2), "tasks in an image run in their own containers");
    assertEquals(0, looked.get(), "not even looked up");
    assertFalse(PreprocessPlacement.inAm(auto, conf, () -> {
      throw new FileNotFoundException("/in.csv");
    }, HEAP, 2, 2), "a missing input is the stage's run to report, from the cluster path");
  }

  @Test
  void autoRunsALargerInputInTheAmWhenTheClusterIsItsNodeAloneAndItsMapTasksUseEveryCore() {
    Configuration conf = new Configuration(false);
    PreprocessSpec auto = section("");
    long xTen = 134 * MB; // 30 M flights rows
    assertFalse(PreprocessPlacement.inAm(auto, conf, () -> xTen, 768 * MB, 2, 2), "the cluster's size not known");
    conf.setInt(PsyarnConfig.CLUSTER_NODES_AT_SUBMISSION, 1);
    PreprocessPlacement oneNode = PreprocessPlacement.decide(auto, conf, () -> xTen, 768 * MB, 2, 2);
    assertTrue(oneNode.inAm(), "one node of 2 cores, the AM's 2 map tasks: task JVMs would only share those cores");
    assertEquals("the input (134.0 MiB) is over psyarn.preprocess.in-am.max-mb (64 MiB), but the cluster is one "
        + "NodeManager, whose 2 cores the AM's 2 map tasks use (task JVMs would share them, beside a MapReduce AM; "
        + "psyarn.preprocess.in-am.one-node: false turns this off)", oneNode.why());
    assertTrue(PreprocessPlacement.decide(auto, conf, () -> xTen, 512 * MB, 2, 2).why().endsWith(", but the AM's "
        + "heap (512.0 MiB) is short of 128 MiB and 4 times the input to run the jobs itself; a larger am.memory would"));
    assertEquals("the input (134.0 MiB) is over psyarn.preprocess.in-am.max-mb (64 MiB) and the AM's 1 map tasks would "
        + "leave some of its host's 2 cores idle (am.vcores)",
        PreprocessPlacement.decide(auto, conf, () -> xTen, 768 * MB, 1, 2).why());
    assertFalse(PreprocessPlacement.inAm(auto, conf, () -> xTen, 512 * MB, 2, 2),
        "the heap must hold the jobs: 128 MiB and 4 times the input");
    assertFalse(PreprocessPlacement.inAm(auto, conf, () -> xTen, 768 * MB, 1, 2),
        "one map task at a time in the AM against two task JVMs");
    assertTrue(PreprocessPlacement.inAm(auto, conf, () -> xTen, 768 * MB, 4, 2));
    conf.setInt(PsyarnConfig.CLUSTER_NODES_AT_SUBMISSION, 2);
    PreprocessPlacement twoNodes = PreprocessPlacement.decide(auto, conf, () -> xTen, 768 * MB, 2, 2);
    assertFalse(twoNodes.inAm(), "two nodes: twice the cores");
    assertTrue(twoNodes.why().endsWith(" and the cluster has 2 NodeManagers"), twoNodes.why());
    conf.setInt(PsyarnConfig.CLUSTER_NODES_AT_SUBMISSION, 1);
    conf.setBoolean(PsyarnConfig.PREPROCESS_IN_AM_ONE_NODE, false);
    assertFalse(PreprocessPlacement.inAm(auto, conf, () -> xTen, 768 * MB, 2, 2), "switched off");
    assertTrue(PreprocessPlacement.inAm(auto, conf, () -> 13 * MB, 768 * MB, 2, 2), "a small input still runs there");
  }

  @Test
  void amAndClusterAreWhatTheSpecSaysWhateverTheSize() {
    Configuration conf = new Configuration(false);
    assertTrue(PreprocessPlacement.inAm(section("  runIn: am\n"), conf, () -> 100_000 * MB, 64 * MB, 2, 2));
    assertFalse(PreprocessPlacement.inAm(section("  runIn: cluster\n"), conf, () -> 1, HEAP, 2, 2));
  }
}
