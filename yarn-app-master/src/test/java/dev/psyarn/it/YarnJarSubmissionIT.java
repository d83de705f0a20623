package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Submits through {@code org.apache.hadoop.util.RunJar} in a separate JVM, exactly as
 * {@code yarn jar psyarn.jar submit ...} does: Hadoop's jars and configuration on the classpath,
 * psyarn only in the distribution jar.
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class YarnJarSubmissionIT {

  private static ClusterHarness harness;

  @BeforeAll
  static void startCluster() throws Exception {
    harness = ClusterHarness.start("yarn-jar", 1);
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void counterJobSubmittedWithYarnJarSucceeds() throws Exception {
    Path spec = harness.spec("counter.yaml", ClusterHarness.counterSpec("yarn-jar-it", 2, 2, 1000, 2, List.of()));
    Run run = yarnJar(spec, "counter");

    assertEquals(0, run.code(), run.output());
    JsonNode r = ClusterHarness.JSON.readTree(Files.readString(run.report()));
    assertEquals("SUCCEEDED", r.path("finalStatus").asText());
    assertEquals(0, r.path("metrics").path("mismatches").asLong());
    assertEquals(ClusterHarness.independentlyComputedTotal(1000, 2, 2), r.path("metrics").path("observedTotal").asLong());
    assertEquals(4, r.path("containers").size());
  }

  /**
   * The example project (examples/count-min) built by its own Maven build against psyarn's API,
   * its jar on HDFS, submitted through yarn jar: the heavy hitters are the text's, and every
   * estimate is within the sketch's bound of the exact count. The jar carries its own Jackson
   * (2.12), which its classes use while psyarn's are on Jackson 2.18.
   */
  @Test
  void anAppFromItsOwnJarRunsThroughYarnJarWithItsOwnJackson() throws Exception {
    Path jar = buildExample("count-min", "count-min-1.0.jar");
    org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.get(harness.conf);
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(jar.toUri()), new org.apache.hadoop.fs.Path("/apps/count-min.jar"));
    java.util.Map<String, Long> exact = writeZipfText(fs, new org.apache.hadoop.fs.Path("/data/corpus.txt"), 3_000, 60);
    long words = exact.values().stream().mapToLong(Long::longValue).sum();
    int width = 8192;
    int topK = 10;
    String spec = ClusterHarness.counterSpec("count-min-it", 2, 2, 1, 1, List.of()).replaceFirst("(?m)^app: .*$",
        "app: {type: count-min, jars: [\"" + harness.fsUri() + "/apps/count-min.jar\"], text: \"" + harness.fsUri()
            + "/data/corpus.txt\", depth: 4, width: " + width + ", topK: " + topK + ", candidates: 300}");
    Run run = yarnJar(harness.spec("count-min.yaml", spec), "count-min");

    assertEquals(0, run.code(), run.output());
    JsonNode r = ClusterHarness.JSON.readTree(Files.readString(run.report()));
    assertEquals("SUCCEEDED", r.path("finalStatus").asText(), r.toString());
    JsonNode m = r.path("metrics");
    assertEquals(words, m.path("words").asLong(), "every word of the text was counted once");
    List<String> expectedTop = exact.entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(topK)
        .map(java.util.Map.Entry::getKey).toList();
    List<String> top = new ArrayList<>();
    m.path("topK").forEach(e -> top.add(e.path("word").asText()));
    assertEquals(new java.util.HashSet<>(expectedTop), new java.util.HashSet<>(top), "the heavy hitters");
    for (int i = 1; i < top.size(); i++) {
      assertTrue(m.path("topK").get(i - 1).path("estimate").asLong() >= m.path("topK").get(i).path("estimate").asLong(),
          "most frequent first: " + m.path("topK"));
    }
    double bound = Math.E / width * words;
    assertEquals(bound, m.path("errorBound").asDouble(), 1e-6);
    int over = 0;
    int checked = 0;
    for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) () -> m.path("estimates").fields()) {
      long truth = exact.getOrDefault(e.getKey(), 0L);
      long estimate = e.getValue().asLong();
      assertTrue(estimate >= truth, e.getKey() + ": a count-min estimate is never below the count (" + estimate
          + " < " + truth + ")");
      over += estimate - truth > bound ? 1 : 0;
      checked++;
    }
    assertTrue(checked >= 300, "each worker's candidates were estimated: " + checked);
    // Each estimate is within the bound with probability 1 - e^-4 (98.2 %).
    assertTrue(over <= Math.ceil(2 * Math.exp(-4) * checked), over + " of " + checked + " estimates over the bound " + bound);
    String ours = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString();
    assertEquals(1, m.path("jackson").size(), m.path("jackson").toString());
    String theirs = m.path("jackson").get(0).asText();
    assertTrue(theirs.startsWith("2.12."), "the app's classes saw its own Jackson: " + theirs);
    assertTrue(!theirs.equals(ours), "psyarn runs on another Jackson (" + ours + ")");
  }

  /** A missing jar or class is refused before submission, naming the field; nothing reaches YARN. */
  @Test
  void aMissingJarOrClassIsRefusedBeforeSubmission() throws Exception {
    int before = harness.applicationCount();
    String base = ClusterHarness.counterSpec("bad-jar-it", 1, 1, 1, 1, List.of());
    ClusterHarness.Run noJar = harness.psyarn("submit", harness.spec("no-jar.yaml", base.replaceFirst("(?m)^app: .*$",
        "app: {type: com.example.countmin.CountMinApp, jars: [\"" + harness.fsUri() + "/apps/none.jar\"], text: x}"))
        .toString());
    assertEquals(dev.psyarn.cli.ExitCodes.INVALID_SPEC, noJar.exitCode(), noJar.err());
    assertTrue(noJar.err().contains("app.jars[0]: no jar at " + harness.fsUri() + "/apps/none.jar"), noJar.err());

    Path jar = buildExample("count-min", "count-min-1.0.jar");
    ClusterHarness.Run noClass = harness.psyarn("submit", harness.spec("no-class.yaml", base.replaceFirst("(?m)^app: .*$",
        "app: {type: com.example.countmin.Nope, jars: [\"" + jar.toUri() + "\"], text: x}")).toString());
    assertEquals(dev.psyarn.cli.ExitCodes.INVALID_SPEC, noClass.exitCode(), noClass.err());
    assertTrue(noClass.err().contains("app.type: no class com.example.countmin.Nope in app.jars"), noClass.err());

    ClusterHarness.Run badSetting = harness.psyarn("validate", harness.spec("bad-setting.yaml",
        base.replaceFirst("(?m)^app: .*$", "app: {type: count-min, jars: [\"" + jar.toUri() + "\"], text: x, depth: 40}"))
        .toString());
    assertEquals(dev.psyarn.cli.ExitCodes.INVALID_SPEC, badSetting.exitCode(), badSetting.err());
    assertTrue(badSetting.err().contains("app.depth: must be from 1 to 16, got 40"), badSetting.err());
    assertEquals(before, harness.applicationCount(), "nothing was submitted");
  }

  /** What a yarn jar submission printed, its exit code and its report. */
  private record Run(int code, String output, Path report) {}

  /** Runs {@code yarn jar psyarn.jar submit SPEC --wait --report R} in its own JVM, as a Hadoop client would. */
  private static Run yarnJar(Path spec, String name) throws Exception {
    Path report = harness.work.resolve(name + "-report.json");
    ClusterHarness.Run run = ClientJvm.run(harness.work, harness.conf, name + "-yarn-jar", java.util.Map.of(),
        List.of(), "submit", spec.toString(), "--wait", "--report", report.toString());
    return new Run(run.exitCode(), run.out() + run.err(), report);
  }

  /**
   * Builds an example project with Maven as a user would (psyarn's API from the local repository,
   * where {@code mvn install} put it), once; its jar.
   */
  private static synchronized Path buildExample(String project, String jarName) throws Exception {
    Path dir = ClusterHarness.example(project);
    Path jar = dir.resolve("target").resolve(jarName);
    if (built.add(project)) {
      String mavenHome = System.getProperty("psyarn.maven.home", "");
      String mvn = mavenHome.isEmpty() ? "mvn" : Path.of(mavenHome, "bin", "mvn").toString();
      List<String> command = new ArrayList<>(List.of(mvn, "-B", "-q", "-o", "-f", dir.resolve("pom.xml").toString(),
          "-Dpsyarn.version=" + System.getProperty("psyarn.version", "0.1.0-SNAPSHOT"),
          "-Dhadoop.version=" + org.apache.hadoop.util.VersionInfo.getVersion(),
          "-Dmaven.repo.local=" + System.getProperty("psyarn.m2.repo"), "clean", "package"));
      Path log = harness.work.resolve(project + "-build.log");
      // Offline first (the local repository has what psyarn's own build used); online when something is missing.
      int code = run(command, dir, log);
      if (code != 0) {
        command.remove("-o");
        code = run(command, dir, log);
      }
      assertEquals(0, code, "the example's build failed (psyarn's modules must be installed: mvn install):\n"
          + Files.readString(log));
    }
    assertTrue(Files.isRegularFile(jar), jar + " was not built");
    return jar;
  }

  private static final java.util.Set<String> built = new java.util.HashSet<>();

  private static int run(List<String> command, Path dir, Path log) throws Exception {
    Process build = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    assertTrue(build.waitFor(300, TimeUnit.SECONDS), "the example's build did not finish in 300 s");
    return build.exitValue();
  }

  /**
   * Writes {@code lines} lines of {@code perLine} words drawn from a Zipf distribution over 4000
   * words (seeded, so the same text each run); the exact count of each word.
   */
  private static java.util.Map<String, Long> writeZipfText(org.apache.hadoop.fs.FileSystem fs,
      org.apache.hadoop.fs.Path file, int lines, int perLine) throws Exception {
    int vocabulary = 4000;
    double[] cumulative = new double[vocabulary];
    double sum = 0;
    for (int i = 0; i < vocabulary; i++) {
      sum += 1.0 / (i + 1);
      cumulative[i] = sum;
    }
    java.util.Random random = new java.util.Random(42);
    java.util.Map<String, Long> exact = new java.util.HashMap<>();
    try (var out = new java.io.PrintWriter(new java.io.OutputStreamWriter(fs.create(file, true),
        java.nio.charset.StandardCharsets.UTF_8))) {
      for (int l = 0; l < lines; l++) {
        StringBuilder line = new StringBuilder();
        for (int w = 0; w < perLine; w++) {
          int rank = java.util.Arrays.binarySearch(cumulative, random.nextDouble() * sum);
          String word = "word" + (rank < 0 ? -rank - 1 : rank);
          exact.merge(word, 1L, Long::sum);
          line.append(w == 0 ? "" : (w % 7 == 0 ? ", " : " ")).append(word);
        }
        out.println(line);
      }
    }
    return exact;
  }
}
