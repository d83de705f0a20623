package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.timeline.TimelineEntity;
import org.apache.hadoop.yarn.api.records.timeline.TimelineEvent;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.junit.jupiter.api.Test;

class TimelinePublisherTest {

  private static JobStatus status(String state, String finalStatus, List<JobStatus.ContainerRow> containers,
      Map<String, Object> preprocess) {
    return new JobStatus("application_1_0007", "job", state, finalStatus, 0.5f, "done", containers,
        Map.of("worker", 1), List.of(), Map.of(), Map.of("finishedMs", 9000L),
        Map.of("observedTotal", 42L, "lossCurve", List.of(1, 2)), preprocess);
  }

  private static JobStatus.ContainerRow row(String id, String state, Integer exit, String reason) {
    return new JobStatus.ContainerRow("worker", 0, id, "node1", "native", state, exit, 0, reason, null, null, Map.of());
  }

  private static List<String> types(TimelineEntity e) {
    return e.getEvents().stream().map(TimelineEvent::getEventType).toList();
  }

  @Test
  void sendsWhatChangedSinceTheLastStatusAndTheEndWithTheResults() {
    TimelinePublisher p = new TimelinePublisher(e -> {}, "application_1_0007", "alice", "job", 1000);
    TimelineEntity first = p.changes(status("PREPROCESSING", "UNDEFINED", List.of(), null), 2000, false);
    assertEquals(List.of("STATE_PREPROCESSING"), types(first));
    assertEquals("PSYARN_JOB", first.getEntityType());
    assertEquals("application_1_0007", first.getEntityId());
    assertEquals(1000L, first.getStartTime(), "without a start time the service stores nothing");
    assertTrue(first.getPrimaryFilters().get("user").contains("alice"));

    Map<String, Object> preprocess = Map.of("jobs", List.of(Map.of("name", "stats", "id", "job_1_0008")));
    JobStatus running = status("RUNNING", "UNDEFINED", List.of(row("c2", "ALLOCATED", null, null),
        row("c3", "REGISTERED", null, null)), preprocess);
    assertEquals(List.of("STATE_RUNNING", "CONTAINER_REGISTERED", "PREPROCESS_JOB_FINISHED"),
        types(p.changes(running, 3000, false)));
    assertEquals(List.of(), types(p.changes(running, 4000, false)), "nothing new, nothing sent");

    JobStatus done = status("SUCCEEDED", "SUCCEEDED", List.of(row("c2", "REGISTERED", null, null),
        row("c3", "COMPLETED", 1, "APPLICATION_ERROR"), row("c4", "COMPLETED", 0, "SUCCEEDED")), preprocess);
    TimelineEntity end = p.changes(done, 5000, true);
    assertEquals(List.of("STATE_SUCCEEDED", "CONTAINER_REGISTERED", "CONTAINER_COMPLETED", "CONTAINER_COMPLETED",
        "JOB_FINISHED"), types(end));
    TimelineEvent lost = end.getEvents().get(2);
    assertEquals(Map.of("role", "worker", "index", 0, "container", "c3", "host", "node1", "runtime", "native",
        "restarts", 0, "exitCode", 1, "reason", "APPLICATION_ERROR"), lost.getEventInfo());
    assertEquals("SUCCEEDED", end.getEvents().get(4).getEventInfo().get("finalStatus"));
    assertEquals(42L, end.getOtherInfo().get("metrics.observedTotal"));
    assertTrue(!end.getOtherInfo().containsKey("metrics.lossCurve"), "only plain figures: " + end.getOtherInfo());
    assertEquals(9000L, end.getOtherInfo().get("timings.finishedMs"));
  }

  @Test
  void aSinkThatFailsNeverStopsTheJobAndTheLastPutIsWaitedForBoundedly() {
    List<TimelineEntity> sent = new ArrayList<>();
    TimelinePublisher failing = new TimelinePublisher(e -> {
      throw new IllegalStateException("the Timeline service is down");
    }, "application_1_0007", "alice", "job", 1000);
    failing.observe(status("RUNNING", "UNDEFINED", List.of(), null), 2000);
    long start = System.nanoTime();
    failing.finish(status("SUCCEEDED", "SUCCEEDED", List.of(), null), 3000, 2000);
    assertTrue(System.nanoTime() - start < 2_000_000_000L);
    failing.close();

    TimelinePublisher slow = new TimelinePublisher(e -> {
      Thread.sleep(10_000);
      sent.add(e);
    }, "application_1_0007", "alice", "job", 1000);
    start = System.nanoTime();
    slow.finish(status("SUCCEEDED", "SUCCEEDED", List.of(), null), 3000, 300);
    long waited = System.nanoTime() - start;
    assertTrue(waited >= 300_000_000L && waited < 5_000_000_000L, "waited " + waited / 1e6 + " ms");
    assertTrue(sent.isEmpty());
  }

  @Test
  void onlyWhereTheClusterRunsTimelineV1() {
    Configuration conf = new Configuration(false);
    assertTrue(TimelinePublisher.start(conf, "application_1_0007", "alice", "job", 0).isEmpty(), "not enabled");
    conf.setBoolean(YarnConfiguration.TIMELINE_SERVICE_ENABLED, true);
    conf.setFloat(YarnConfiguration.TIMELINE_SERVICE_VERSION, 2.0f);
    assertTrue(TimelinePublisher.start(conf, "application_1_0007", "alice", "job", 0).isEmpty(),
        "v2 needs the AM's ResourceManager client, which learns where the collector is");
  }

  @Test
  void forTimelineV2TheEntityKeepsItsEventsFiltersAndInfo() {
    org.apache.hadoop.yarn.api.records.timeline.TimelineEntity v1 = new org.apache.hadoop.yarn.api.records.timeline.TimelineEntity();
    v1.setEntityType(TimelinePublisher.ENTITY_TYPE);
    v1.setEntityId("application_1_0007");
    v1.setStartTime(1234L);
    v1.addPrimaryFilter("user", "alice");
    v1.addOtherInfo("metrics.observedTotal", 42L);
    org.apache.hadoop.yarn.api.records.timeline.TimelineEvent e = new org.apache.hadoop.yarn.api.records.timeline.TimelineEvent();
    e.setEventType("CONTAINER_COMPLETED");
    e.setTimestamp(2000L);
    e.setEventInfo(new java.util.HashMap<>(java.util.Map.of("exitCode", 0, "role", "worker")));
    v1.addEvent(e);

    org.apache.hadoop.yarn.api.records.timelineservice.TimelineEntity v2 = TimelinePublisher.toV2(v1);
    assertEquals(TimelinePublisher.ENTITY_TYPE, v2.getType());
    assertEquals("application_1_0007", v2.getId());
    assertEquals(1234L, v2.getCreatedTime());
    assertEquals("alice", v2.getInfo().get("user"));
    assertEquals(42L, v2.getInfo().get("metrics.observedTotal"));
    assertEquals(1, v2.getEvents().size());
    org.apache.hadoop.yarn.api.records.timelineservice.TimelineEvent event = v2.getEvents().iterator().next();
    assertEquals("CONTAINER_COMPLETED", event.getId());
    assertEquals(2000L, event.getTimestamp());
    assertEquals(java.util.Map.of("exitCode", 0, "role", "worker"), event.getInfo());
  }
}
