package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.yarn.api.records.ApplicationAttemptReport;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The AM's own JVM killed by its PID mid-run, with {@code maxAppAttempts: 2}: YARN starts a second
 * attempt, which takes over the running servers and workers (no container is started again), does
 * not run the preprocessing jobs again, and the counter ends exact.
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class AmRestartIT {

  private static final int KEYS = 2000;
  private static final int ROUNDS = 60;
  private static ClusterHarness harness;

  @BeforeAll
  static void startCluster() throws Exception {
    harness = ClusterHarness.start("am-restart", 1, true);
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void aKilledAmIsTakenOverByItsNextAttemptWithTheSameContainersAndNoPreprocessingRedone() throws Exception {
    StringBuilder csv = new StringBuilder("a,b,label\n");
    for (int i = 0; i < 200; i++) {
      csv.append("u").append(i % 7).append(",v").append(i % 3).append(',').append(i % 2).append('\n');
    }
    Path data = harness.work.resolve("small.csv");
    Files.writeString(data, csv.toString());
    String spec = "maxAppAttempts: 2\n" + ClusterHarness.counterSpec("am-restart-it", 2, 2, KEYS, ROUNDS, List.of())
        .replace("rounds: " + ROUNDS + "}", "rounds: " + ROUNDS + ", pauseMs: 150}")
        .replace("app: {type: counter", "preprocess:\n  input: " + data.toUri() + "\n  format: csv\n"
            + "  label: \"label == 1\"\n  split: {testFraction: 0.5}\n  features: [{name: a, column: a}]\n"
            + "  runIn: cluster\n" // a MapReduce application of its own, which the second attempt must not run again
            + "app: {type: counter");
    String app = WorkerFaultIT.submit(harness, "am-restart.yaml", spec);
    // Both workers running before the AM goes: a container whose JVM starts while no AM attempt
    // listens fails its bootstrap and is replaced (on a node without them, the job that makes the
    // class data sharing archives starts its JVMs seconds later).
    WorkerFaultIT.awaitPushingWorker(harness, app, 0, KEYS);
    WorkerFaultIT.awaitPushingWorker(harness, app, 1, KEYS);
    ApplicationId id = ApplicationId.fromString(app);
    String amContainer;
    try (YarnClient yarn = harness.yarn()) {
      ApplicationReport report = yarn.getApplicationReport(id);
      ApplicationAttemptReport attempt = yarn.getApplicationAttemptReport(report.getCurrentApplicationAttemptId());
      amContainer = attempt.getAMContainerId().toString();
    }
    WorkerFaultIT.signal(WorkerFaultIT.pidOf(amContainer), "KILL");

    JsonNode job = WorkerFaultIT.awaitEnd(harness, app);
    WorkerFaultIT.assertExact(job, KEYS, 2, ROUNDS);
    assertEquals(0, job.path("restarts").path("worker").asInt(), "no worker was started again: " + job.path("restarts"));
    assertEquals(4, job.path("containers").size(), "the same four containers: " + job.path("containers"));
    for (JsonNode c : job.path("containers")) {
      assertTrue(c.path("id").asText().contains("_01_"), "a container of the first attempt: " + c);
      assertEquals(0, c.path("exitCode").asInt(), c.toString());
    }
    assertEquals("SUCCEEDED", job.path("preprocess").path("state").asText(), job.path("preprocess").toString());
    try (YarnClient yarn = harness.yarn()) {
      assertEquals(2, yarn.getApplicationAttempts(id).size(), "YARN ran a second attempt");
      List<ApplicationReport> mapReduce = mapReduceSince(yarn, yarn.getApplicationReport(id).getStartTime());
      assertEquals(1, mapReduce.size(), "the preprocessing job (one pass) ran once, not again in the second attempt: "
          + mapReduce.stream().map(ApplicationReport::getName).toList());
    }
  }

  /**
   * The AM's JVM killed by its PID while the preprocessing job runs inside it (MapReduce's
   * LocalJobRunner: the job's tasks are that JVM's threads and die with it): the second attempt runs
   * the stage again from the input, in its own JVM, reads every row once, removes the half-made cache
   * entry the first attempt left, and the job ends exact.
   */
  @Test
  void anAmKilledWhileItsStageRunsInsideItRunsTheStageAgainInTheNextAttemptAndLeavesNoHalfMadeEntry()
      throws Exception {
    int rows = 3_000_000; // several seconds of map in a cold AM: long enough to be caught mid-job
    Path data = harness.work.resolve("killed-mid-stage.csv");
    try (java.io.BufferedWriter out = Files.newBufferedWriter(data)) {
      out.write("a,b,label\n");
      for (int i = 0; i < rows; i++) {
        out.write("u" + (i % 1009) + ",v" + (i % 13) + "," + (i % 2) + "\n");
      }
    }
    String spec = "maxAppAttempts: 2\n" + ClusterHarness.counterSpec("am-killed-mid-stage-it", 1, 1, 100, 3, List.of())
        .replace("app: {type: counter", "preprocess:\n  input: " + data.toUri() + "\n  format: csv\n"
            + "  label: \"label == 1\"\n  split: {testFraction: 0.5}\n  features: [{name: a, column: a}, "
            + "{name: b, column: b}, {name: ab, cross: [a, b]}]\n  runIn: am\napp: {type: counter");
    long since = System.currentTimeMillis();
    String app = WorkerFaultIT.submit(harness, "am-killed-mid-stage.yaml", spec);
    ApplicationId id = ApplicationId.fromString(app);

    JsonNode running = awaitInAmJobUnderWay(app);
    String amContainer;
    try (YarnClient yarn = harness.yarn()) {
      ApplicationAttemptReport attempt = yarn.getApplicationAttemptReport(
          yarn.getApplicationReport(id).getCurrentApplicationAttemptId());
      amContainer = attempt.getAMContainerId().toString();
    }
    WorkerFaultIT.signal(WorkerFaultIT.pidOf(amContainer), "KILL");
    System.out.println("killed the AM " + amContainer + " with its stage at " + running);

    JsonNode job = WorkerFaultIT.awaitEnd(harness, app);
    assertEquals("SUCCEEDED", job.path("finalStatus").asText(), job.path("diagnostics").asText());
    WorkerFaultIT.assertExact(job, 100, 1, 3);
    JsonNode pre = job.path("preprocess");
    assertEquals("SUCCEEDED", pre.path("state").asText(), pre.toString());
    assertEquals("am", pre.path("ranIn").asText(), pre.toString());
    assertEquals(false, pre.path("reused").asBoolean(true), "made again, not reused: " + pre);
    assertEquals(rows, pre.path("rowsRead").asLong(), "every row read once by the second attempt: " + pre);
    assertEquals(rows, pre.path("trainRows").asLong() + pre.path("testRows").asLong(), pre.toString());
    assertEquals(0, pre.path("badRecords").asLong(), pre.toString());
    assertTrue(pre.path("jobs").get(0).path("inProcess").asBoolean(), pre.toString());
    try (YarnClient yarn = harness.yarn()) {
      assertEquals(2, yarn.getApplicationAttempts(id).size(), "YARN ran a second attempt");
      assertEquals(List.of(), mapReduceSince(yarn, since), "both attempts ran the job in their own JVM");
    }
    org.apache.hadoop.fs.Path entry = new org.apache.hadoop.fs.Path(pre.path("shards").asText()).getParent();
    org.apache.hadoop.fs.FileSystem fs = entry.getFileSystem(harness.conf);
    List<String> beside = java.util.Arrays.stream(fs.listStatus(entry.getParent()))
        .map(st -> st.getPath().getName()).filter(n -> n.startsWith(entry.getName())).sorted().toList();
    assertEquals(List.of(entry.getName()), beside,
        "the whole entry, and nothing the killed attempt left half-made (.tmp-<attempt>)");
  }

  /** The status's preprocessing once its job runs in the AM. */
  private static JsonNode awaitInAmJobUnderWay(String app) throws Exception {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(180).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      ClusterHarness.Run status = harness.psyarn("status", app, "--json");
      last = status.out() + status.err();
      if (status.exitCode() == 0) {
        JsonNode pre = status.json().path("job").path("preprocess");
        assertTrue(!"SUCCEEDED".equals(pre.path("state").asText()),
            "the stage ended before the AM could be killed in it; give it more rows: " + pre);
        for (JsonNode j : pre.path("progress")) {
          if (j.path("id").asText().startsWith("job_local")) { // its map tasks are under way in the AM's JVM
            assertEquals("am", pre.path("ranIn").asText(), pre.toString());
            return pre;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the preprocessing of " + app + " never ran in its AM: " + last);
  }

  /** The MapReduce applications started at {@code since} or later. */
  private static List<ApplicationReport> mapReduceSince(YarnClient yarn, long since) throws Exception {
    return yarn.getApplications(Set.of("MAPREDUCE"), EnumSet.allOf(YarnApplicationState.class)).stream()
        .filter(r -> r.getStartTime() >= since).toList();
  }

  /**
   * A second job with the same preprocess section, shard count and input reuses the first one's
   * preprocessing output (no MapReduce job runs, the status says so); once the input changes, a
   * third job preprocesses again.
   */
  @Test
  void aJobWithTheSameInputAndSectionReusesThePreprocessingAndAChangedInputIsPreprocessedAgain()
      throws Exception {
    StringBuilder csv = new StringBuilder("a,b,label\n");
    for (int i = 0; i < 300; i++) {
      csv.append(i % 7).append(',').append(i % 3).append(',').append(i % 2).append('\n');
    }
    Path data = harness.work.resolve("reused.csv");
    Files.writeString(data, csv.toString());
    String spec = ClusterHarness.counterSpec("reuse-it", 1, 1, 100, 3, List.of())
        .replace("app: {type: counter", "preprocess:\n  input: " + data.toUri() + "\n  format: csv\n"
            + "  label: \"label == 1\"\n  split: {testFraction: 0.5}\n  features: [{name: a, column: a}]\n"
            + "app: {type: counter");
    // The first job preprocesses on the cluster; the others would in their AM (a small input): where the
    // jobs run does not change what they make, so the second reuses the first one's output.
    JsonNode first = runToEnd("reuse-1.yaml", spec.replace("  features: [{name: a, column: a}]\n",
        "  features: [{name: a, column: a}]\n  runIn: cluster\n"));
    assertEquals("cluster", first.path("preprocess").path("ranIn").asText(), first.path("preprocess").toString());
    assertEquals(false, first.path("preprocess").path("reused").asBoolean(true), first.path("preprocess").toString());
    String shards = first.path("preprocess").path("shards").asText();
    assertTrue(shards.contains("preprocess-cache"), "kept in the cache: " + shards);

    long before = System.currentTimeMillis();
    JsonNode second = runToEnd("reuse-2.yaml", spec.replace("name: reuse-it", "name: reuse-it-again"));
    assertEquals(true, second.path("preprocess").path("reused").asBoolean(false), second.path("preprocess").toString());
    assertEquals(shards, second.path("preprocess").path("shards").asText());
    assertEquals(first.path("applicationId").asText("first"), second.path("preprocess").path("madeBy").asText(),
        "the report says whose output it took: " + second.path("preprocess"));
    assertEquals(first.path("preprocess").path("trainRows").asLong(), second.path("preprocess").path("trainRows").asLong());
    try (YarnClient yarn = harness.yarn()) {
      assertEquals(List.of(), mapReduceSince(yarn, before), "no MapReduce job ran for the second job");
    }
    long took = second.path("timings").path("preprocessedMs").asLong() - second.path("timings").path("submittedToRunningMs")
        .asLong();
    System.out.println("preprocessing reused in " + took + " ms; first run: " + first.path("timings"));

    Files.writeString(data, csv + "6,2,1\n");
    long changed = System.currentTimeMillis();
    JsonNode third = runToEnd("reuse-3.yaml", spec);
    assertEquals(false, third.path("preprocess").path("reused").asBoolean(true), third.path("preprocess").toString());
    assertEquals(first.path("preprocess").path("rowsRead").asLong() + 1, third.path("preprocess").path("rowsRead").asLong(),
        "the changed input was read again: " + third.path("preprocess"));
    assertEquals("am", third.path("preprocess").path("ranIn").asText(), third.path("preprocess").toString());
    assertTrue(third.path("preprocess").path("jobs").get(0).path("inProcess").asBoolean(), third.path("preprocess")
        .toString());
    try (YarnClient yarn = harness.yarn()) {
      assertEquals(List.of(), mapReduceSince(yarn, changed), "the changed input's job ran inside the AM");
    }
  }

  private static JsonNode runToEnd(String file, String spec) throws Exception {
    JsonNode job = WorkerFaultIT.awaitEnd(harness, WorkerFaultIT.submit(harness, file, spec));
    assertEquals("SUCCEEDED", job.path("finalStatus").asText(), job.path("diagnostics").asText());
    return job;
  }
}
