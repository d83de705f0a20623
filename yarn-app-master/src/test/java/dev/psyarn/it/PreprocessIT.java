package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.local.LocalCluster;
import dev.psyarn.mapreduce.jobs.Preprocess;
import dev.psyarn.mapreduce.jobs.PreprocessException;
import dev.psyarn.mapreduce.jobs.PreprocessReport;
import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import dev.psyarn.mapreduce.shard.Example;
import dev.psyarn.mapreduce.shard.ShardFormat;
import dev.psyarn.mapreduce.shard.ShardReader;
import dev.psyarn.specs.SpecNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ToolRunner;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The preprocessing jobs on MiniDFSCluster + MiniMRYarnCluster: every input format, features
 * checked against an independent count, shards that add up and repeat exactly, and bad records
 * under and over the threshold.
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class PreprocessIT {

  private static LocalCluster cluster;
  private static Configuration conf;
  private static FileSystem fs;
  private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
      new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
  /** Every 100th flight of the shipped file: 30,000 rows over all six months. */
  private static final Path FLIGHTS = new Path("/data/flights-sample.parquet");
  private static List<Group> sample;

  @BeforeAll
  static void start() throws Exception {
    java.nio.file.Path work = java.nio.file.Paths.get("target", "it", "preprocess").toAbsolutePath();
    Files.createDirectories(work);
    cluster = LocalCluster.start(work.toFile(), 1, Map.of(), true);
    conf = cluster.conf();
    fs = FileSystem.get(conf);
    sample = new ArrayList<>();
    Path shipped = new Path(ClusterHarness.example("data/flights-3m.parquet").toUri());
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), shipped).withConf(conf).build();
        ParquetWriter<Group> writer = ExampleParquetWriter.builder(org.apache.parquet.hadoop.util.HadoopOutputFile.fromPath(FLIGHTS, conf))
            .withConf(conf).withType(org.apache.parquet.hadoop.ParquetFileReader
                .open(HadoopInputFile.fromPath(shipped, conf)).getFooter().getFileMetaData().getSchema()).build()) {
      long i = 0;
      for (Group g = reader.read(); g != null; g = reader.read()) {
        if (i++ % 100 == 0) {
          writer.write(g);
          sample.add(g);
        }
      }
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The shipped example's preprocess section, on the sample, hashed into 2^20 keys. */
  private static PreprocessSpec flightsSpec() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode section = (com.fasterxml.jackson.databind.node.ObjectNode) YAML
        .readTree(Files.readString(ClusterHarness.example("flights-lr.yaml"))).get("preprocess");
    section.put("input", FLIGHTS.toString());
    section.putObject("encoding").put("type", "hash").put("bits", 20);
    return PreprocessSpec.read(SpecNode.root(section));
  }

  @Test
  void flightsParquetCountsMatchAnIndependentCountAndShardsAddUpAndRepeat() throws Exception {
    PreprocessReport first = Preprocess.run(conf, flightsSpec(), new Path("/out/flights-1"), 3, (j, id, m, r) -> { });

    // Independent count over the same rows: origin, hour and origin×hour of the training months.
    Map<String, Long> expected = new HashMap<>();
    long train = 0;
    long positives = 0;
    for (Group g : sample) {
      LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(g.getLong("date", 0), 1_000_000L), 0, ZoneOffset.UTC);
      if (t.getMonthValue() >= 6) {
        continue;
      }
      train++;
      positives += g.getLong("delay", 0) >= 15 ? 1 : 0;
      String o = g.getString("origin", 0);
      expected.merge("o=" + o, 1L, Long::sum);
      expected.merge("h=" + t.getHour(), 1L, Long::sum);
      expected.merge("oh=" + o + "|" + t.getHour(), 1L, Long::sum);
      expected.merge("w=" + (t.getDayOfWeek().getValue() - 1), 1L, Long::sum);
    }
    Map<String, Long> counted = stats(new Path("/out/flights-1/stats"));
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      assertEquals(e.getValue(), counted.get(e.getKey()), e.getKey());
    }
    assertEquals(expected.keySet().stream().filter(k -> k.startsWith("oh=")).count(),
        counted.keySet().stream().filter(k -> k.startsWith("oh=")).count());
    Map<String, Object> f = first.figures();
    assertEquals(30_000L, f.get("rowsRead"));
    assertEquals(train, f.get("trainRows"));
    assertEquals(positives, f.get("trainPositives"));
    assertEquals(0L, f.get("badRecords"));
    assertEquals(1L << 20, first.keySpace());

    // Shards: every row once, 13 features or fewer (collisions), balanced, labels as counted.
    long rows = 0;
    long shardPositives = 0;
    List<Long> trainSizes = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      for (byte split : new byte[] {ShardFormat.TRAIN, ShardFormat.TEST}) {
        try (ShardReader in = ShardReader.open(conf, Preprocess.shardFile(new Path(first.shards()), split, s))) {
          assertEquals(s, in.shard());
          assertEquals(3, in.shards());
          Example ex = new Example();
          long n = 0;
          while (in.next(ex)) {
            assertTrue(ex.size >= 10 && ex.size <= 13, "features in a row: " + ex.size);
            assertTrue(!ex.hasValues);
            shardPositives += split == ShardFormat.TRAIN ? ex.label : 0;
            n++;
          }
          rows += n;
          if (split == ShardFormat.TRAIN) {
            trainSizes.add(n);
          }
        }
      }
    }
    assertEquals(30_000, rows);
    assertEquals(positives, shardPositives);
    long spread = trainSizes.stream().mapToLong(Long::longValue).max().orElseThrow()
        - trainSizes.stream().mapToLong(Long::longValue).min().orElseThrow();
    assertTrue(spread <= 1, "one map task deals rows round-robin: " + trainSizes);

    // The 30,000-row sample is one split: its map task ran inside the job's MapReduce AM.
    assertEquals(List.of("shard"), first.jobs().stream().map(j -> j.get("name")).toList());
    assertEquals(true, first.jobs().get(0).get("uber"), first.jobs().toString());

    // The same input and spec give byte-identical shards.
    PreprocessReport second = Preprocess.run(conf, flightsSpec(), new Path("/out/flights-2"), 3, (j, id, m, r) -> { });
    for (int s = 0; s < 3; s++) {
      for (byte split : new byte[] {ShardFormat.TRAIN, ShardFormat.TEST}) {
        assertArrayEquals(bytes(Preprocess.shardFile(new Path(first.shards()), split, s)),
            bytes(Preprocess.shardFile(new Path(second.shards()), split, s)), "shard " + s + " split " + split);
      }
    }
  }

  /**
   * An input of three splits: three map tasks side by side (not one uber task), each writing its
   * part of every shard; a shard is its parts, which together hold every row once, balanced.
   */
  @Test
  void threeSplitsWriteThreePartsOfEveryShardThatTogetherHoldEveryRowOnce() throws Exception {
    StringBuilder csv = new StringBuilder("row,label,x,pad\n");
    int rows = 100_000;
    long positives = 0;
    for (int i = 0; i < rows; i++) {
      int label = Integer.bitCount(i) % 2;
      positives += label;
      csv.append(i).append(',').append(label).append(",v").append(i % 1000).append(",padding-padding\n");
    }
    write(new Path("/data/parts.csv"), csv.toString());
    assertTrue(fs.getFileStatus(new Path("/data/parts.csv")).getLen() > 2L << 20, "more than two 1 MiB splits");
    String yaml = """
        input: /data/parts.csv
        format: {type: csv, header: true}
        label: "label == 1"
        split: {testFraction: 0.25}
        features: [{name: x, column: x}]
        splitMb: 1
        """;
    PreprocessReport report = Preprocess.run(conf, spec(yaml), new Path("/out/parts"), 2, (j, id, m, r) -> { });
    Map<String, Object> job = report.jobs().get(0);
    long maps = (Long) job.get("mapTasks");
    assertTrue(maps >= 3, "one map task a split: " + job);
    assertEquals(false, job.get("uber"), "more than one split: not inside the AM: " + job);
    // The map tasks are handed rows in batches; MapReduce's counter still counts each line (and the header).
    assertEquals((long) rows + 1, job.get("mapInputRecords"), job.toString());
    // Where the job's time went: its AM and containers starting, then the map tasks at work.
    double startedAfter = ((Number) job.get("mapsStartedAfterSeconds")).doubleValue();
    double mapping = ((Number) job.get("mapsSeconds")).doubleValue();
    assertTrue(startedAfter > 0 && mapping > 0 && startedAfter + mapping <= (Double) job.get("seconds"), job.toString());
    long read = 0;
    long shardPositives = 0;
    List<Long> trainSizes = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      for (byte split : new byte[] {ShardFormat.TRAIN, ShardFormat.TEST}) {
        List<Path> parts = ShardFormat.parts(conf, new Path(report.shards()), split, s);
        assertEquals(maps, parts.size(), "a part from every map task: " + parts);
        long n = 0;
        for (Path part : parts) {
          try (ShardReader in = ShardReader.open(conf, part)) {
            assertEquals(s, in.shard());
            assertEquals(2, in.shards());
            Example ex = new Example();
            while (in.next(ex)) {
              assertEquals(1, ex.size);
              shardPositives += ex.label;
              n++;
            }
          }
        }
        read += n;
        if (split == ShardFormat.TRAIN) {
          trainSizes.add(n);
        }
      }
    }
    assertEquals(rows, read);
    assertEquals(positives, shardPositives);
    assertEquals((long) rows, report.figures().get("rowsRead"));
    assertTrue(Math.abs(trainSizes.get(0) - trainSizes.get(1)) <= maps, "round-robin in each map task: " + trainSizes);
  }

  /**
   * The same stage run inside this process (MapReduce's LocalJobRunner, as psyarn's AM runs a small
   * input's) with two map tasks at a time: both jobs (a count filter needs the statistics first), the
   * same figures, the same kept features and the same rows in the shards as on the cluster, and no
   * YARN application for it.
   */
  @Test
  void inThisProcessTwoMapTasksAtATimeMakeTheSameStatisticsAndRowsAsTheCluster() throws Exception {
    StringBuilder csv = new StringBuilder("row,label,x,y\n");
    for (int i = 0; i < 60_000; i++) {
      csv.append(i).append(',').append(Integer.bitCount(i) % 2).append(",v").append(i % 997).append(",w")
          .append((i * 7) % 31).append('\n');
    }
    write(new Path("/data/in-process.csv"), csv.toString());
    String yaml = """
        input: /data/in-process.csv
        format: {type: csv, header: true}
        label: "label == 1"
        split: {testFraction: 0.2}
        features: [{name: x, column: x}, {name: y, column: y}, {name: xy, cross: [x, y]}]
        minCount: 2
        """;
    int before;
    try (org.apache.hadoop.yarn.client.api.YarnClient yarn = org.apache.hadoop.yarn.client.api.YarnClient.createYarnClient()) {
      yarn.init(conf);
      yarn.start();
      before = yarn.getApplications().size();
      PreprocessReport onCluster = Preprocess.run(conf, spec(yaml), new Path("/out/on-cluster"), 2, (j, id, m, r) -> { });
      int afterCluster = yarn.getApplications().size();
      java.io.File work = Files.createTempDirectory(java.nio.file.Paths.get("target"), "in-process").toFile();
      Configuration inProcess = Preprocess.inProcess(conf, 2, work.getPath());
      PreprocessReport here = Preprocess.run(inProcess, spec(yaml), new Path("/out/in-process"), 2, (j, id, m, r) -> { });

      assertEquals(afterCluster, yarn.getApplications().size(), "no YARN application for the jobs run here");
      assertEquals(before + 2, afterCluster, "the cluster's run: a statistics job and a shard job");
      assertEquals(List.of("stats", "shard"), here.jobs().stream().map(j -> j.get("name")).toList());
      for (Map<String, Object> job : here.jobs()) {
        assertEquals(true, job.get("inProcess"), job.toString());
        assertTrue(String.valueOf(job.get("id")).startsWith("job_local"), job.toString());
        assertEquals(null, job.get("trackingUrl"), "no page for a job run here: " + job);
      }
      assertEquals(2L, here.jobs().get(1).get("mapTasks"), "the input cut in two for two map tasks: " + here.jobs());
      for (String figure : List.of("rowsRead", "trainRows", "trainPositives", "testRows", "featuresDistinct",
          "featuresKept", "rowsWrittenTrain", "rowsWrittenTest")) {
        assertEquals(onCluster.figures().get(figure), here.figures().get(figure), figure);
      }
      assertEquals(onCluster.keySpace(), here.keySpace());
      assertEquals(stats(new Path("/out/on-cluster/stats")), stats(new Path("/out/in-process/stats")));
      for (byte split : new byte[] {ShardFormat.TRAIN, ShardFormat.TEST}) {
        assertEquals(rows(new Path(onCluster.shards()), split), rows(new Path(here.shards()), split),
            "the same rows, wherever each shard holds them, of split " + split);
      }
    }
  }

  @Test
  void inThisProcessTheFlightsShardJobReportsItsProgressWhileItRuns() throws Exception {
    // LocalJobRunner's tasks report at MapReduce's default interval only as they end; the stage in
    // the AM asks for the workers by this progress, so it must move while the maps run.
    java.io.File work = Files.createTempDirectory(java.nio.file.Paths.get("target"), "progress").toFile();
    Configuration inProcess = Preprocess.inProcess(conf, 2, work.getPath());
    List<Float> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    com.fasterxml.jackson.databind.node.ObjectNode section = (com.fasterxml.jackson.databind.node.ObjectNode) YAML
        .readTree(Files.readString(ClusterHarness.example("flights-lr.yaml"))).get("preprocess");
    section.put("input", ClusterHarness.example("data/flights-3m.parquet").toUri().toString()); // all 3 M rows: seconds of maps
    PreprocessReport report = Preprocess.run(inProcess, PreprocessSpec.read(SpecNode.root(section)),
        new Path("/out/flights-progress"), 2, (job, id, map, reduce) -> seen.add(map));
    assertEquals(List.of("shard"), report.jobs().stream().map(j -> j.get("name")).toList());
    // (Hadoop 3.4's LocalJobRunner may report a finished job's maps at 1.0, then a little less, then
    // 1.0 again: the AM acts on the first report past its threshold, so only that matters.)
    assertTrue(seen.stream().filter(p -> p > 0.05f && p < 0.95f).count() >= 2,
        "progress reported between start and end while the maps ran: " + seen);
    assertEquals(1.0f, seen.get(seen.size() - 1), "done: " + seen);
  }

  /** Every row of a split over both shards, as "label keys…", sorted. */
  private static List<String> rows(Path shards, byte split) throws Exception {
    List<String> out = new ArrayList<>();
    for (int s = 0; s < 2; s++) {
      for (Path part : ShardFormat.parts(conf, shards, split, s)) {
        try (ShardReader in = ShardReader.open(conf, part)) {
          Example ex = new Example();
          while (in.next(ex)) {
            StringBuilder row = new StringBuilder().append(ex.label);
            for (int i = 0; i < ex.size; i++) {
              row.append(' ').append(ex.keys[i]);
            }
            out.add(row.toString());
          }
        }
      }
    }
    java.util.Collections.sort(out);
    return out;
  }

  @Test
  void csvWithOtherColumnsAndADictionaryToleratesBadRecordsUpToTheThreshold() throws Exception {
    // A different dataset, declared only in the spec: ad clicks with a quoted text column.
    StringBuilder csv = new StringBuilder("user_country,age,\"page title\",clicked,ts\n");
    int good = 0;
    for (int i = 0; i < 2000; i++) {
      String country = new String[] {"DE", "FR", "US", "JP"}[i % 4];
      // Every tenth age as R writes a missing value: a missing feature, not a bad record.
      csv.append(country).append(',').append(i % 10 == 5 ? "NA" : Integer.toString(18 + i % 50))
          .append(",\"Title, number ").append(i % 7)
          .append("\",").append(i % 3 == 0 ? 1 : 0).append(",2024-0").append(1 + i % 9).append("-1")
          .append(i % 9).append(" 1").append(i % 10).append(":30\n");
      good++;
    }
    csv.append("DE,not-a-number,\"x\",1,2024-01-01 10:00\n");
    csv.append("FR,33,\"unclosed,1,2024-01-01 10:00\n");
    write(new Path("/data/clicks.csv"), csv.toString());
    String yaml = """
        input: /data/clicks.csv
        format: {type: csv, header: true}
        label: "clicked == 1"
        split: {testFraction: 0.25}
        features:
          - {name: c, column: user_country}
          - {name: a, column: age, buckets: [25, 35, 50]}
          - {name: t, column: page title, tokens: words}
          - {name: m, column: ts, part: month}
          - {name: ca, cross: [c, a]}
        encoding: {type: dictionary}
        minCount: 3
        maxBadFraction: 0.01
        missing: value
        """;
    PreprocessReport report = Preprocess.run(conf, spec(yaml), new Path("/out/clicks"), 2, (j, id, m, r) -> { });
    Map<String, Object> f = report.figures();
    assertEquals((long) good + 2, f.get("rowsRead"));
    assertEquals(2L, f.get("badRecords"));
    assertEquals((long) good, (Long) f.get("rowsWrittenTrain") + (Long) f.get("rowsWrittenTest"));
    long test = (Long) f.get("rowsWrittenTest");
    assertTrue(test > good * 0.2 && test < good * 0.3, "about a quarter are test rows: " + test);
    // Dictionary: keys are the ranks of the kept features, below their count.
    assertEquals((long) f.get("featuresKept"), report.keySpace());
    Map<String, Long> counted = stats(new Path("/out/clicks/stats"));
    assertTrue(counted.containsKey("t=title"), counted.keySet().toString());
    assertTrue(counted.containsKey("a=1"), "age 25–34 is bucket 1: " + counted.keySet());
    assertTrue(counted.get("a=") > 100, "NA ages are the feature a= (missing: value): " + counted);
    long maxKey = 0;
    for (int s = 0; s < 2; s++) {
      try (ShardReader in = ShardReader.open(conf, Preprocess.shardFile(new Path(report.shards()), ShardFormat.TRAIN, s))) {
        Example ex = new Example();
        while (in.next(ex)) {
          maxKey = Math.max(maxKey, ex.keys[ex.size - 1]);
        }
      }
    }
    assertTrue(maxKey < report.keySpace(), maxKey + " < " + report.keySpace());
  }

  @Test
  void badRecordsOverTheThresholdFailTheJobNamingCountAndLines() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      lines.append(i % 10 == 0 ? "oops no pairs here" : (i % 2) + " 3:1 17:0.5 " + (100 + i) + ":2").append('\n');
    }
    write(new Path("/data/bad.libsvm"), lines.toString());
    String yaml = """
        input: /data/bad.libsvm
        format: libsvm
        split: {testFraction: 0.2}
        features: [{name: f, column: features}]
        maxBadFraction: 0.05
        """;
    PreprocessException e = assertThrows(PreprocessException.class,
        () -> Preprocess.run(conf, spec(yaml), new Path("/out/bad"), 1, (j, id, m, r) -> { }));
    assertNotNull(e.jobId());
    assertTrue(e.getMessage().contains("found 10 of 100 records"), e.getMessage());
    assertTrue(e.getMessage().contains("bad.libsvm at byte 0: label \"oops\" is not a number"), e.getMessage());
  }

  @Test
  void libsvmKeepsValuesAndTextIsTokenized() throws Exception {
    write(new Path("/data/small.libsvm"), "1 3:1 17:0.5\n0 3:2 5:1\n1 9:1.5\n0 17:1\n");
    write(new Path("/data/libsvm.yaml"), """
        input: /data/small.libsvm
        format: libsvm
        split: {test: "label < 0"}
        features: [{name: f, column: features}]
        encoding: {type: dictionary}
        """);
    // The two jobs as Hadoop Tools, one after the other, as `yarn jar` runs them.
    String[] args = {"/data/libsvm.yaml", "/out/libsvm", "1"};
    assertEquals(0, ToolRunner.run(new Configuration(conf), new Preprocess(Preprocess.Stage.STATS), args));
    assertEquals(0, ToolRunner.run(new Configuration(conf), new Preprocess(Preprocess.Stage.SHARD), args));
    assertEquals(1, ToolRunner.run(new Configuration(conf), new Preprocess(Preprocess.Stage.SHARD), args),
        "the shards exist now: refused, nothing overwritten");
    PreprocessReport libsvm = new PreprocessReport("/out/libsvm", "/out/libsvm/shards", 4, Map.of(), List.of());
    assertTrue(fs.exists(new Path("/out/libsvm/stats.json")) && fs.exists(new Path("/out/libsvm/shards.json")));
    assertTrue(new String(bytes(new Path("/out/libsvm/shards.json")), StandardCharsets.UTF_8)
        .contains("\"rowsWrittenTrain\" : 4"));
    try (ShardReader in = ShardReader.open(conf, Preprocess.shardFile(new Path(libsvm.shards()), ShardFormat.TRAIN, 0))) {
      assertEquals(4L, in.keySpace(), "f=3, f=5, f=9, f=17");
    }
    List<String> seen = new ArrayList<>();
    try (ShardReader in = ShardReader.open(conf, Preprocess.shardFile(new Path(libsvm.shards()), ShardFormat.TRAIN, 0))) {
      Example ex = new Example();
      while (in.next(ex)) {
        StringBuilder b = new StringBuilder().append(ex.label);
        for (int i = 0; i < ex.size; i++) {
          b.append(' ').append(ex.keys[i]).append(':').append(ex.value(i));
        }
        seen.add(b.toString());
      }
    }
    // Dictionary ranks in text order: f=17 → 0, f=3 → 1, f=5 → 2, f=9 → 3.
    seen.sort(null);
    assertEquals(List.of("0 0:1.0", "0 1:2.0 2:1.0", "1 0:0.5 1:1.0", "1 3:1.5"), seen);

    write(new Path("/data/reviews.txt"), "1\tGreat food, great service!\n0\tCold food.\n1\tGreat!\n");
    PreprocessReport text = Preprocess.run(conf, spec("""
        input: /data/reviews.txt
        format: text
        split: {testFraction: 0.01}
        features: [{name: w, column: text, tokens: words, ngrams: 2}]
        """), new Path("/out/text"), 1, (j, id, m, r) -> { });
    Map<String, Long> counted = stats(new Path("/out/text/stats"));
    assertEquals(3L, counted.get("w=great"));
    assertEquals(2L, counted.get("w=food"));
    assertEquals(1L, counted.get("w=great_food"));
    assertEquals(3L, text.figures().get("rowsRead"));
  }

  private static PreprocessSpec spec(String yaml) throws Exception {
    return PreprocessSpec.read(SpecNode.root(YAML.readTree(yaml)));
  }

  private static Map<String, Long> stats(Path dir) throws Exception {
    Map<String, Long> out = new HashMap<>();
    for (var status : fs.globStatus(new Path(dir, "part-*"))) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(status.getPath()), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          int tab = line.lastIndexOf('\t');
          assertTrue(out.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1))) == null, line);
        }
      }
    }
    return out;
  }

  private static void write(Path path, String text) throws Exception {
    try (OutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static byte[] bytes(Path path) throws Exception {
    try (var in = fs.open(path)) {
      return in.readAllBytes();
    }
  }
}
