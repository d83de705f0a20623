package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.timeline.TimelineEntity;
import org.apache.hadoop.yarn.api.records.timeline.TimelineEvent;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a cluster that runs the YARN Timeline service (v1, its in-memory store), the AM publishes
 * the job's history there: its states, each container's start and end, and the end with the
 * final status and the job's exact results, as entity {@code PSYARN_JOB/<application id>}.
 * (A cluster of its own: with Timeline v1 on, YARN's clients also ask the application history
 * server, which a mini cluster's RM does not feed.)
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class TimelineIT {

  private static ClusterHarness harness;

  @BeforeAll
  static void startCluster() throws Exception {
    harness = ClusterHarness.start("timeline", 1, false, Map.of(
        YarnConfiguration.TIMELINE_SERVICE_ENABLED, "true",
        YarnConfiguration.TIMELINE_SERVICE_ADDRESS, "localhost:0",
        YarnConfiguration.TIMELINE_SERVICE_WEBAPP_ADDRESS, "localhost:0"));
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void theJobsHistoryIsInTheTimelineServiceWithItsExactResults() throws Exception {
    int keys = 1000;
    int rounds = 3;
    int workers = 2;
    Path spec = harness.spec("timeline.yaml", ClusterHarness.counterSpec("timeline-it", 1, workers, keys, rounds,
        List.of()));
    Path report = harness.work.resolve("timeline-report.json");
    ClusterHarness.Run run = harness.psyarn("submit", spec.toString(), "--wait", "--report", report.toString());
    assertEquals(ExitCodes.OK, run.exitCode(), run.err());
    JsonNode r = ClusterHarness.JSON.readTree(Files.readString(report));
    long expected = ClusterHarness.independentlyComputedTotal(keys, workers, rounds);
    assertEquals(expected, r.path("metrics").path("observedTotal").asLong());

    TimelineEntity entity = harness.cluster.yarn().getApplicationHistoryServer().getTimelineStore()
        .getEntity(r.path("applicationId").asText(), "PSYARN_JOB", null);
    assertNotNull(entity, "the job's entity in the Timeline service");
    List<String> types = entity.getEvents().stream().map(TimelineEvent::getEventType).toList();
    assertTrue(types.containsAll(List.of("STATE_STARTING", "STATE_RUNNING", "STATE_FINISHING", "STATE_SUCCEEDED",
        "JOB_FINISHED")), "every state, each sent as it changed: " + types);
    assertEquals(3, types.stream().filter("CONTAINER_REGISTERED"::equals).count(), types.toString());
    assertEquals(3, types.stream().filter("CONTAINER_COMPLETED"::equals).count(), types.toString());
    TimelineEvent end = entity.getEvents().stream().filter(e -> e.getEventType().equals("JOB_FINISHED"))
        .findFirst().orElseThrow();
    assertEquals("SUCCEEDED", end.getEventInfo().get("finalStatus"));
    for (TimelineEvent e : entity.getEvents()) {
      if (e.getEventType().equals("CONTAINER_COMPLETED")) {
        assertEquals(0, ((Number) e.getEventInfo().get("exitCode")).intValue(), e.getEventInfo().toString());
      }
    }
    assertEquals(expected, ((Number) entity.getOtherInfo().get("metrics.observedTotal")).longValue());
    assertEquals(List.of("timeline-it"), List.copyOf(entity.getPrimaryFilters().get("name")));
    assertEquals(r.path("timings").path("finishedMs").asLong(),
        ((Number) entity.getOtherInfo().get("timings.finishedMs")).longValue());
  }
}
