package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.cli.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults caused for real on a running job: a worker's JVM killed by its PID, a worker's JVM
 * stopped (a hang). Each job must end SUCCEEDED with exact counter totals, and its report must say
 * what happened: the reason, the replacement and the pushes the servers dropped as replays.
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class WorkerFaultIT {

  private static final int KEYS = 2000;
  private static final int ROUNDS = 40;
  private static final int WORKERS = 2;
  private static ClusterHarness harness;

  @BeforeAll
  static void startCluster() throws Exception {
    harness = ClusterHarness.start("worker-faults", 1);
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  /** A counter job whose rounds take long enough (40 × 150 ms) to be hit mid-run. */
  private static String spec(String name, String workerSettings) {
    return ClusterHarness.withWorkerSettings(ClusterHarness.counterSpec(name, 2, WORKERS, KEYS, ROUNDS, List.of()),
        workerSettings).replace("rounds: " + ROUNDS + "}", "rounds: " + ROUNDS + ", pauseMs: 150}");
  }

  @Test
  void aWorkerKilledBySigkillMidRunIsReplacedAndTheTotalsStayExact() throws Exception {
    String app = submit(harness, "sigkill.yaml", spec("sigkill-it", "restart: {backoffSeconds: 0.2}"));
    String victim = awaitPushingWorker(harness, app, 1, KEYS).path("id").asText();
    long pid = pidOf(victim);
    signal(pid, "KILL");

    JsonNode job = awaitEnd(harness, app);
    assertExact(job, KEYS, WORKERS, ROUNDS);
    JsonNode dead = container(job, victim);
    assertEquals(137, dead.path("exitCode").asInt(), dead.toString());
    assertEquals("KILLED_BY_SIGNAL", dead.path("reason").asText(), dead.toString());
    assertReplaced(job, 1);
  }

  @Test
  void aStoppedWorkerIsKilledAsHungAndReplacedAndTheTotalsStayExact() throws Exception {
    String app = submit(harness, "sigstop.yaml", spec("sigstop-it",
        "restart: {backoffSeconds: 0.2}, liveness: {heartbeatTimeoutSeconds: 3}"));
    String victim = awaitPushingWorker(harness, app, 0, KEYS).path("id").asText();
    long pid = pidOf(victim);
    signal(pid, "STOP");

    JsonNode job = awaitEnd(harness, app);
    assertExact(job, KEYS, WORKERS, ROUNDS);
    JsonNode hung = container(job, victim);
    assertEquals("HUNG", hung.path("reason").asText(), hung.toString());
    assertTrue(hung.path("diagnostics").asText().contains("no heartbeat for"), hung.toString());
    assertReplaced(job, 0);
    assertTrue(!Files.exists(Paths.get("/proc", Long.toString(pid))), "the stopped JVM " + pid + " was killed");
  }

  @Test
  void aJobOnPiecesGrowsAndShrinksItsWorkersWhileItRunsAndTheTotalsStayExact() throws Exception {
    int rounds = 80;
    String app = submit(harness, "flex.yaml", ClusterHarness.counterSpec("flex-it", 2, WORKERS, KEYS, rounds, List.of())
        .replace("rounds: " + rounds + "}", "rounds: " + rounds + ", pauseMs: 150, pieces: true}"));
    awaitPushingWorker(harness, app, 0, KEYS);
    ClusterHarness.Run unknown = harness.psyarn("flex", app, "--role", "ps", "--instances", "3");
    assertEquals(ExitCodes.USAGE, unknown.exitCode(), unknown.out() + unknown.err());

    ClusterHarness.Run grow = harness.psyarn("flex", app, "--role", "worker", "--instances", "3", "--json");
    assertEquals(ExitCodes.OK, grow.exitCode(), grow.err());
    assertEquals(3, grow.json().path("desired").asInt(), grow.out());
    awaitPushingWorker(harness, app, 2, KEYS / 4);
    ClusterHarness.Run shrink = harness.psyarn("flex", app, "--role", "worker", "--instances", "1", "--json");
    assertEquals(ExitCodes.OK, shrink.exitCode(), shrink.err());
    assertEquals(1, shrink.json().path("desired").asInt(), shrink.out());

    JsonNode job = awaitEnd(harness, app);
    assertExact(job, KEYS, WORKERS, rounds);
    assertEquals(1, job.path("instances").path("worker").path("desired").asInt(), job.path("instances").toString());
    assertEquals(0, job.path("restarts").path("worker").asInt(), "retiring is no restart: " + job.path("restarts"));
    long byTheLastWorker = job.path("metrics").path("piecesDone").asLong();
    assertTrue(byTheLastWorker > 0 && byTheLastWorker < 2L * rounds,
        "the worker left did some of the pieces, the retired ones the rest: " + job.path("metrics"));
    for (int index : new int[] {1, 2}) {
      List<JsonNode> slot = slot(job, index);
      assertEquals(1, slot.size(), "one container held worker " + index + ": " + slot);
      assertEquals("KILLED_BY_APPMASTER", slot.get(0).path("reason").asText(), "retired by flex: " + slot.get(0));
    }
  }

  static void assertExact(JsonNode job, int keys, int workers, int rounds) {
    assertEquals("SUCCEEDED", job.path("finalStatus").asText(), job.path("diagnostics").asText());
    JsonNode metrics = job.path("metrics");
    long expected = ClusterHarness.independentlyComputedTotal(keys, workers, rounds);
    assertEquals(expected, metrics.path("expectedTotal").asLong(), metrics.toString());
    assertEquals(expected, metrics.path("observedTotal").asLong(), metrics.toString());
    assertEquals(0, metrics.path("mismatches").asLong(), metrics.toString());
  }

  /**
   * One replacement of the worker, with restarts 1, that resumed after the rounds its predecessor
   * had applied (at least the three seen before the fault) instead of redoing them.
   */
  private static void assertReplaced(JsonNode job, int index) {
    assertEquals(1, job.path("restarts").path("worker").asInt(), job.path("restarts").toString());
    assertEquals(0, job.path("restarts").path("server").asInt(), job.path("restarts").toString());
    List<JsonNode> slot = slot(job, index);
    assertEquals(2, slot.size(), "the lost worker and its replacement: " + job.path("containers"));
    assertEquals(1, slot.get(1).path("restarts").asInt());
    assertEquals(0, slot.get(1).path("exitCode").asInt(), slot.get(1).toString());
    long resumed = job.path("metrics").path("resumedRounds").asLong();
    assertTrue(resumed >= 3 && resumed < ROUNDS, "resumed after the applied rounds: " + job.path("metrics"));
  }

  /** The containers that held worker {@code index}'s slot, first to last. */
  static List<JsonNode> slot(JsonNode job, int index) {
    return slot(job, "worker", index);
  }

  /** The containers that held {@code role}'s slot {@code index}, first to last. */
  static List<JsonNode> slot(JsonNode job, String role, int index) {
    List<JsonNode> slot = new ArrayList<>();
    for (JsonNode c : job.path("containers")) {
      if (role.equals(c.path("role").asText()) && c.path("index").asInt() == index) {
        slot.add(c);
      }
    }
    return slot;
  }

  static String submit(ClusterHarness harness, String file, String yaml) throws Exception {
    Path spec = harness.spec(file, yaml);
    ClusterHarness.Run run = harness.psyarn("submit", spec.toString(), "--json");
    assertEquals(ExitCodes.OK, run.exitCode(), run.err());
    return run.json().path("applicationId").asText();
  }

  /** Worker {@code index}'s status row once its heartbeats show pushes under way (a few rounds in). */
  static JsonNode awaitPushingWorker(ClusterHarness harness, String app, int index, int keys) throws Exception {
    return awaitWorkerBytes(harness, app, index, 3.0 * keys * 12);
  }

  /** Worker {@code index}'s status row once it has sent more than {@code bytes} to the servers. */
  static JsonNode awaitWorkerBytes(ClusterHarness harness, String app, int index, double bytes) throws Exception {
    return awaitWorkerMetric(harness, app, index, "bytesOut", bytes);
  }

  /** Worker {@code index}'s status row once its heartbeats' {@code metric} is above {@code value}. */
  static JsonNode awaitWorkerMetric(ClusterHarness harness, String app, int index, String metric, double value)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      ClusterHarness.Run status = harness.psyarn("status", app, "--json");
      last = status.out();
      if (status.exitCode() == ExitCodes.OK) {
        for (JsonNode c : status.json().path("job").path("containers")) {
          if ("worker".equals(c.path("role").asText()) && c.path("index").asInt() == index
              && "REGISTERED".equals(c.path("state").asText())
              && c.path("metrics").path(metric).asDouble() > value) {
            return c;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("worker " + index + " of " + app + " never had " + metric + " above " + value + ": " + last);
  }

  static JsonNode awaitEnd(ClusterHarness harness, String app) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(400).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      ClusterHarness.Run status = harness.psyarn("status", app, "--json");
      last = status.out() + status.err();
      JsonNode job = status.exitCode() == ExitCodes.OK || status.exitCode() == ExitCodes.JOB_FAILED
          ? status.json().path("job") : null;
      if (job != null && !"UNDEFINED".equals(job.path("finalStatus").asText("UNDEFINED"))) {
        return job;
      }
      Thread.sleep(300);
    }
    throw new AssertionError(app + " did not end in 400 s: " + last);
  }

  private static JsonNode container(JsonNode job, String id) {
    for (JsonNode c : job.path("containers")) {
      if (id.equals(c.path("id").asText())) {
        return c;
      }
    }
    throw new AssertionError(id + " is not in the report: " + job.path("containers"));
  }

  /** The PID of the container's JVM on this machine. */
  static long pidOf(String containerId) throws IOException {
    return dev.psyarn.local.ContainerProcesses.pidOf(containerId)
        .orElseThrow(() -> new AssertionError("no JVM of " + containerId + " among this machine's processes"));
  }

  static void signal(long pid, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
  }
}
