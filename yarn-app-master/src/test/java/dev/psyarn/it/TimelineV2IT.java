package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.timelineservice.TimelineEntity;
import org.apache.hadoop.yarn.api.records.timelineservice.TimelineEvent;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a cluster that runs the Timeline service v2 (ATSv2: a collector per application, in the
 * NodeManager of its AM, as the aux service {@code timeline_collector}; the storage here an
 * in-memory writer), the AM registers a v2 client with its ResourceManager client, learns its
 * collector from the heartbeats' answers, and publishes the job's history there as entity
 * {@code PSYARN_JOB/<application id>}, with the same events and exact results as on v1.
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class TimelineV2IT {

  private static ClusterHarness harness;

  @BeforeAll
  static void startCluster() throws Exception {
    Map<String, String> v2 = new HashMap<>();
    v2.put(YarnConfiguration.TIMELINE_SERVICE_ENABLED, "true");
    v2.put(YarnConfiguration.TIMELINE_SERVICE_VERSION, "2.0f");
    v2.put(YarnConfiguration.TIMELINE_SERVICE_WRITER_CLASS, RecordingTimelineWriter.class.getName());
    v2.put(YarnConfiguration.NM_AUX_SERVICES, "timeline_collector");
    v2.put(YarnConfiguration.NM_AUX_SERVICES + ".timeline_collector.class",
        "org.apache.hadoop.yarn.server.timelineservice.collector.PerNodeTimelineCollectorsAuxService");
    v2.put(YarnConfiguration.SYSTEM_METRICS_PUBLISHER_ENABLED, "true");
    v2.put(YarnConfiguration.TIMELINE_SERVICE_ADDRESS, "localhost:0");
    v2.put(YarnConfiguration.TIMELINE_SERVICE_WEBAPP_ADDRESS, "localhost:0");
    harness = ClusterHarness.start("timeline-v2", 1, false, v2);
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void theJobsHistoryGoesToItsTimelineV2CollectorWithItsExactResults() throws Exception {
    int keys = 1000;
    int rounds = 3;
    int workers = 2;
    Path spec = harness.spec("timeline-v2.yaml", ClusterHarness.counterSpec("timeline-v2-it", 1, workers, keys, rounds,
        List.of()));
    Path report = harness.work.resolve("timeline-v2-report.json");
    ClusterHarness.Run run = harness.psyarn("submit", spec.toString(), "--wait", "--report", report.toString());
    assertEquals(ExitCodes.OK, run.exitCode(), run.err());
    JsonNode r = ClusterHarness.JSON.readTree(Files.readString(report));
    String app = r.path("applicationId").asText();
    long expected = ClusterHarness.independentlyComputedTotal(keys, workers, rounds);
    assertEquals(expected, r.path("metrics").path("observedTotal").asLong());

    List<RecordingTimelineWriter.Written> ours = RecordingTimelineWriter.WRITTEN.stream()
        .filter(w -> "PSYARN_JOB".equals(w.entity().getType()) && app.equals(w.entity().getId())).toList();
    assertFalse(ours.isEmpty(), "the job's entity reached its collector; written: " + RecordingTimelineWriter.WRITTEN
        .stream().map(w -> w.entity().getType() + "/" + w.entity().getId()).distinct().toList());
    assertEquals(app, ours.get(0).appId(), "written by the application's own collector");
    List<String> types = new ArrayList<>();
    Map<String, Object> info = new HashMap<>();
    TimelineEvent end = null;
    for (RecordingTimelineWriter.Written w : ours) {
      TimelineEntity e = w.entity();
      info.putAll(e.getInfo());
      for (TimelineEvent event : e.getEvents()) {
        types.add(event.getId());
        if (event.getId().equals("JOB_FINISHED")) {
          end = event;
        }
        if (event.getId().equals("CONTAINER_COMPLETED")) {
          assertEquals(0, ((Number) event.getInfo().get("exitCode")).intValue(), event.getInfo().toString());
        }
      }
    }
    assertTrue(types.containsAll(List.of("STATE_RUNNING", "STATE_FINISHING", "STATE_SUCCEEDED", "JOB_FINISHED")),
        "the states as they changed: " + types);
    assertEquals(3, types.stream().filter("CONTAINER_REGISTERED"::equals).count(), types.toString());
    assertEquals(3, types.stream().filter("CONTAINER_COMPLETED"::equals).count(), types.toString());
    assertEquals("SUCCEEDED", end.getInfo().get("finalStatus"));
    assertEquals(expected, ((Number) info.get("metrics.observedTotal")).longValue());
    assertEquals("timeline-v2-it", info.get("name"));
  }
}
