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
            + "app: {type: counter");
    String app = WorkerFaultIT.submit(harness, "am-restart.yaml", spec);
    WorkerFaultIT.awaitPushingWorker(harness, app, 0, KEYS);
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
      List<ApplicationReport> mapReduce = yarn.getApplications(Set.of("MAPREDUCE"),
          EnumSet.allOf(YarnApplicationState.class));
      assertEquals(2, mapReduce.size(), "the stats and shard jobs ran once, not again in the second attempt: "
          + mapReduce.stream().map(ApplicationReport::getName).toList());
    }
  }
}
