package dev.psyarn.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import dev.psyarn.specs.SpecNode;
import java.io.File;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's figures that are arithmetic on the runs, and its stage in a JVM of its own. */
class PreprocessBenchTest {

  @Test
  void theStageAsAnAmRunsItRunsInAJvmOfItsOwnAndSaysWhatItDid(@TempDir File dir) throws Exception {
    File csv = new File(dir, "in.csv");
    StringBuilder rows = new StringBuilder("y,a\n");
    for (int i = 0; i < 500; i++) {
      rows.append(i % 3 == 0 ? 1 : 0).append(",v").append(i % 7).append('\n');
    }
    Files.writeString(csv.toPath(), rows);
    PreprocessSpec pre = PreprocessSpec.read(SpecNode.root(new ObjectMapper(new YAMLFactory()).readTree("""
        input: %s
        format: csv
        label: "y == 1"
        split: {testFraction: 0.2}
        features: [{name: a, column: a}]
        """.formatted(csv.toURI()))));
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "file:///");
    Path out = new Path(new File(dir, "out").toURI());

    Map<String, Object> run = PreprocessBench.FreshJvm.run(conf, pre, out, 2, 2, new File(dir, "jvm"),
        PreprocessBench.FreshJvm.Start.plain());

    assertEquals(500, ((Number) run.get("rows")).intValue(), "every row, read in the other JVM");
    assertNotEquals(ProcessHandle.current().pid(), ((Number) run.get("pid")).longValue(), "not this JVM");
    assertEquals(256L, ((Number) run.get("heapMb")).longValue(), "the AM's heap for a small input: the floor");
    assertTrue(((Number) run.get("seconds")).doubleValue() > 0);
    assertTrue(((Number) run.get("connectSeconds")).doubleValue() > 0,
        "the output's file system reached before the timer, as the AM has: " + run);
    assertTrue(((Number) run.get("cpuSeconds")).doubleValue() > 0, "the other JVM's CPU for the stage: " + run);
    assertTrue(((Number) run.get("clusterCpuSeconds")).doubleValue() >= 0, "this JVM's while it ran: " + run);
    assertEquals(((Number) run.get("cpuSeconds")).doubleValue() / 500, (double) run.get("cpuSecondsPerRow"), 1e-12);
    assertTrue(new File(dir, "out/preprocess.json").isFile(), "the jobs wrote their output where they were told");
  }

  @Test
  void theOneThreadRunsInAJvmOfItsOwnOverTheSameRows(@TempDir File dir) throws Exception {
    PreprocessSpec pre = parquetSpec(dir);
    Configuration conf = localConf();

    Map<String, Object> run = PreprocessBench.FreshJvm.baseline(conf, pre, new File(dir, "jvm"),
        PreprocessBench.FreshJvm.Start.plain());

    Map<String, Object> here = dev.psyarn.mapreduce.jobs.FeaturizeBaseline.run(conf, pre);
    assertEquals(300, ((Number) run.get("rows")).intValue(), "every row, read in the other JVM");
    assertEquals(((Number) here.get("checksum")).longValue(), ((Number) run.get("checksum")).longValue(),
        "the same labels, splits and keys as the one thread in this JVM");
    assertNotEquals(ProcessHandle.current().pid(), ((Number) run.get("pid")).longValue(), "not this JVM");
    assertEquals(256L, ((Number) run.get("heapMb")).longValue(), "the heap the stage's JVM has: the floor");
    assertTrue(((Number) run.get("seconds")).doubleValue() > 0);
    assertEquals(false, run.get("classSharing"), "started without an archive");
  }

  /**
   * A classpath with a directory (a module's classes, as in these tests) cannot be archived by JDK
   * 17: the classes are still listed, the archive's log says why there is none, and the JVM starts
   * without one (PreprocessBenchIT makes and maps one from jars).
   */
  @Test
  void withoutAnArchiveTheFreshJvmStartsPlainlyAndTheLogSaysWhy(@TempDir File dir) throws Exception {
    PreprocessSpec pre = parquetSpec(dir);
    File sharing = new File(dir, "sharing");

    PreprocessBench.FreshJvm.Start start = PreprocessBench.FreshJvm.archive(localConf(), pre, sharing,
        System.getProperty("java.class.path"), "the one thread", "baseline");

    assertEquals(List.of(), start.options(), "no archive, no options");
    assertTrue(!start.shared());
    assertTrue(new File(sharing, "classes.lst").length() > 0, "the recording run listed its classes");
    assertTrue(!new File(sharing, PreprocessBench.FreshJvm.ARCHIVE).exists());
    String log = Files.readString(new File(sharing, PreprocessBench.FreshJvm.ARCHIVE_LOG).toPath());
    assertTrue(log.contains("directory"), "the JVM's reason: " + log);
    Map<String, Object> run = PreprocessBench.FreshJvm.baseline(localConf(), pre, new File(dir, "jvm"), start);
    assertEquals(300, ((Number) run.get("rows")).intValue());
    assertEquals(false, run.get("classSharing"));
  }

  private static Configuration localConf() {
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "file:///");
    return conf;
  }

  /** 300 rows of Parquet in {@code dir} and a spec of one feature on them. */
  static PreprocessSpec parquetSpec(File dir) throws Exception {
    File parquet = new File(dir, "in.parquet");
    org.apache.parquet.schema.MessageType schema = org.apache.parquet.schema.MessageTypeParser.parseMessageType(
        "message m { required int64 y; required binary a (STRING); }");
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "file:///");
    try (var writer = org.apache.parquet.hadoop.example.ExampleParquetWriter.builder(new Path(parquet.toURI()))
        .withConf(conf).withType(schema).build()) {
      var groups = new org.apache.parquet.example.data.simple.SimpleGroupFactory(schema);
      for (int i = 0; i < 300; i++) {
        writer.write(groups.newGroup().append("y", (long) (i % 3 == 0 ? 1 : 0)).append("a", "v" + i % 7));
      }
    }
    return PreprocessSpec.read(SpecNode.root(new ObjectMapper(new YAMLFactory()).readTree("""
        input: %s
        format: parquet
        label: "y == 1"
        split: {testFraction: 0.2}
        features: [{name: a, column: a}]
        """.formatted(parquet.toURI()))));
  }

  @Test
  void theTasksCpuARowIsSetAgainstTheOneThreadsAndBoundsWhatTheMapsCanReach() {
    List<Map<String, Object>> runs = List.of(Map.of("taskCpuSecondsPerRow", 1.30e-6),
        Map.of("taskCpuSecondsPerRow", 1.40e-6), Map.of("seconds", 20.0), Map.of("taskCpuSecondsPerRow", 1.35e-6));
    Map<String, Object> budget = PreprocessBench.cpuBudget(runs, 1_500_000, 2);
    assertEquals(1.35, (double) budget.get("taskCpuMicrosPerRow"), 1e-9, "the median of the runs that have it");
    assertEquals(0.6667, (double) budget.get("baselineMicrosPerRow"), 1e-4);
    assertEquals(1.35 / 0.66667, (double) budget.get("taskCpuRatio"), 1e-4);
    assertEquals(2 * 0.66667 / 1.35, (double) budget.get("mapsRatioAtMost"), 1e-4,
        "two cores at 2.0 times the one thread's CPU a row: the maps reach about 1.0 of it at most");
    assertEquals(2, budget.get("cores"));

    assertEquals(Map.of(), PreprocessBench.cpuBudget(List.of(Map.of("seconds", 3.0)), 1_500_000, 2),
        "jobs in one JVM report no task CPU: nothing to say");
  }

  @Test
  void theFreshJvmsCpuAndTheClustersWhileItRanBoundItsRatio() {
    List<Map<String, Object>> runs = List.of(
        Map.of("cpuSecondsPerRow", 1.40e-6, "clusterCpuSecondsPerRow", 0.10e-6),
        Map.of("cpuSecondsPerRow", 1.20e-6, "clusterCpuSecondsPerRow", 0.30e-6),
        Map.of("cpuSecondsPerRow", 1.30e-6, "clusterCpuSecondsPerRow", 0.20e-6));
    Map<String, Object> budget = PreprocessBench.freshJvmBudget(runs, 1_500_000, 2);
    assertEquals(1.30, (double) budget.get("inAmCpuMicrosPerRow"), 1e-9, "the median of 1.4, 1.2 and 1.3 µs a row");
    assertEquals(0.20, (double) budget.get("inAmClusterCpuMicrosPerRow"), 1e-9, "the median of 0.1, 0.3 and 0.2");
    assertEquals(1.50 / 0.66667, (double) budget.get("inAmCpuRatio"), 1e-4);
    assertEquals(2 * 0.66667 / 1.50, (double) budget.get("inAmRatioAtMost"), 1e-4,
        "1.5 µs a row of CPU on two cores against the one thread's 0.67 µs: 0.89 at most");

    assertEquals(Map.of(), PreprocessBench.freshJvmBudget(List.of(Map.of("rows", 10L, "seconds", 1.0)), 1_500_000, 2),
        "a run without the CPU figures: nothing to say");
  }
}
