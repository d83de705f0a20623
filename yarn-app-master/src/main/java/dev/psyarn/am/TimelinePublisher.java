package dev.psyarn.am;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.timeline.TimelineEntity;
import org.apache.hadoop.yarn.api.records.timeline.TimelineEvent;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.client.api.TimelineClient;
import org.apache.hadoop.yarn.client.api.TimelineV2Client;
import org.apache.hadoop.yarn.client.api.async.AMRMClientAsync;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's events to the YARN Timeline service (v1, v1.5 and v2), where the cluster has it
 * enabled ({@code yarn.timeline-service.enabled}, {@code yarn.timeline-service.version}), so the job's history outlives its AM beside
 * YARN's own: one entity of type {@value #ENTITY_TYPE} named by the application id (primary filters
 * {@code user} and {@code name}), whose events are the AM's state changes, each container's
 * (registered, completed with its exit code and reason, by role and index), each finished
 * preprocessing job and the end (final status, diagnostics, the numeric results and timings).
 *
 * <p>It diffs the job's status, given whenever the AM's state or a container's changes and at the
 * end, against the last it sent: nothing in the lifecycle knows of it. Puts go out on a thread of its own (the Timeline client
 * blocks and retries), with few retries unless the cluster says otherwise; a put that fails is
 * logged and the job goes on. The final put is waited for a few seconds at most.
 */
final class TimelinePublisher implements AutoCloseable {

  static final String ENTITY_TYPE = "PSYARN_JOB";
  private static final Logger LOG = LoggerFactory.getLogger(TimelinePublisher.class);

  /** Where entities go: the Timeline client, or a test's list. */
  interface Sink extends AutoCloseable {
    void put(TimelineEntity entity) throws Exception;

    @Override
    default void close() {}
  }

  private final Sink sink;
  private final String appId;
  private final String user;
  private final String name;
  private final long submitTimeMs;
  private final ExecutorService puts = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "psyarn-timeline");
    t.setDaemon(true);
    return t;
  });
  private String lastState;
  private final Map<String, String> containerStates = new HashMap<>();
  private int preprocessJobsSent;
  private boolean failedOnce;

  TimelinePublisher(Sink sink, String appId, String user, String name, long submitTimeMs) {
    this.sink = sink;
    this.appId = appId;
    this.user = user;
    this.name = name;
    this.submitTimeMs = submitTimeMs;
  }

  /** A publisher to the cluster's Timeline service (v1.x), or empty where it is not enabled. */
  static Optional<TimelinePublisher> start(Configuration conf, String appId, String user, String name,
      long submitTimeMs) {
    return start(conf, appId, user, name, submitTimeMs, null);
  }

  /**
   * A publisher to the cluster's Timeline service, v1.x or (given the AM's ResourceManager client,
   * which learns where the application's collector is) v2, or empty where none is enabled.
   */
  static Optional<TimelinePublisher> start(Configuration conf, String appId, String user, String name,
      long submitTimeMs, AMRMClientAsync<?> amrm) {
    if (YarnConfiguration.timelineServiceV2Enabled(conf) && amrm != null) {
      return Optional.of(new TimelinePublisher(v2Sink(conf, appId, amrm), appId, user, name, submitTimeMs));
    }
    if (!YarnConfiguration.timelineServiceV1Enabled(conf)) {
      return Optional.empty();
    }
    Configuration c = new Configuration(conf);
    if (conf.get(YarnConfiguration.TIMELINE_SERVICE_CLIENT_MAX_RETRIES) == null) {
      c.setInt(YarnConfiguration.TIMELINE_SERVICE_CLIENT_MAX_RETRIES, 3); // the default, 30 s, per failed put
    }
    TimelineClient client = TimelineClient.createTimelineClient();
    client.init(c);
    client.start();
    LOG.info("publishing the job's events to the YARN Timeline service at {} (entity type {})",
        conf.get(YarnConfiguration.TIMELINE_SERVICE_WEBAPP_ADDRESS), ENTITY_TYPE);
    return Optional.of(new TimelinePublisher(new Sink() {
      @Override
      public void put(TimelineEntity entity) throws Exception {
        var response = client.putEntities(entity);
        if (response != null && !response.getErrors().isEmpty()) {
          throw new IllegalStateException("the Timeline service refused it: error "
              + response.getErrors().get(0).getErrorCode());
        }
      }

      @Override
      public void close() {
        client.stop();
      }
    }, appId, user, name, submitTimeMs));
  }

  /**
   * Timeline v2 (ATSv2): the application's own collector, whose address the ResourceManager hands
   * the AM in its heartbeats' answers (the client registered with the AMRM client learns it). A put
   * made before that waits for it (the client's retries; at least 30 s here).
   */
  private static Sink v2Sink(Configuration conf, String appId, AMRMClientAsync<?> amrm) {
    Configuration c = new Configuration(conf);
    if (conf.get(YarnConfiguration.TIMELINE_SERVICE_CLIENT_MAX_RETRIES) == null) {
      c.setInt(YarnConfiguration.TIMELINE_SERVICE_CLIENT_MAX_RETRIES, 30);
    }
    TimelineV2Client client = TimelineV2Client.createTimelineClient(ApplicationId.fromString(appId));
    client.init(c);
    client.start();
    try {
      amrm.registerTimelineV2Client(client);
    } catch (org.apache.hadoop.yarn.exceptions.YarnException e) {
      client.stop();
      throw new IllegalStateException("the AMRM client does not take a Timeline v2 client: " + e.getMessage(), e);
    }
    LOG.info("publishing the job's events to the YARN Timeline service v2 (entity type {})", ENTITY_TYPE);
    return new Sink() {
      @Override
      public void put(TimelineEntity entity) throws Exception {
        client.putEntities(toV2(entity));
      }

      @Override
      public void close() {
        client.stop();
      }
    };
  }

  /**
   * The same entity in Timeline v2's records: its primary filters and other info as info, its
   * events with their info, the submission as its created time.
   */
  static org.apache.hadoop.yarn.api.records.timelineservice.TimelineEntity toV2(TimelineEntity v1) {
    org.apache.hadoop.yarn.api.records.timelineservice.TimelineEntity v2 =
        new org.apache.hadoop.yarn.api.records.timelineservice.TimelineEntity();
    v2.setType(v1.getEntityType());
    v2.setId(v1.getEntityId());
    if (v1.getStartTime() != null) {
      v2.setCreatedTime(v1.getStartTime());
    }
    Map<String, Object> info = new HashMap<>();
    if (v1.getPrimaryFilters() != null) {
      v1.getPrimaryFilters().forEach((k, values) -> {
        if (!values.isEmpty()) {
          info.put(k, values.iterator().next());
        }
      });
    }
    if (v1.getOtherInfo() != null) {
      info.putAll(v1.getOtherInfo());
    }
    v2.setInfo(info);
    for (TimelineEvent e : v1.getEvents()) {
      org.apache.hadoop.yarn.api.records.timelineservice.TimelineEvent event =
          new org.apache.hadoop.yarn.api.records.timelineservice.TimelineEvent();
      event.setId(e.getEventType());
      event.setTimestamp(e.getTimestamp());
      event.setInfo(e.getEventInfo() == null ? Map.of() : new HashMap<>(e.getEventInfo()));
      v2.addEvent(event);
    }
    return v2;
  }

  /** Sends what changed since the last status; on the publisher's thread. */
  void observe(JobStatus status, long nowMs) {
    TimelineEntity entity = changes(status, nowMs, false);
    if (!entity.getEvents().isEmpty()) {
      puts.execute(() -> send(entity));
    }
  }

  /** Sends the end, and waits for it up to {@code waitMs}. */
  void finish(JobStatus status, long nowMs, long waitMs) {
    TimelineEntity entity = changes(status, nowMs, true);
    Future<?> sent = puts.submit(() -> send(entity));
    try {
      sent.get(waitMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("the job's last events did not reach the Timeline service within {} ms: {}", waitMs, e.toString());
    }
  }

  /**
   * The entity with the events that {@code status} adds to what was sent (and, at the end, the
   * job's final figures). Package-private for tests.
   */
  synchronized TimelineEntity changes(JobStatus status, long nowMs, boolean end) {
    TimelineEntity entity = new TimelineEntity();
    entity.setEntityType(ENTITY_TYPE);
    entity.setEntityId(appId);
    entity.setStartTime(submitTimeMs); // without a start time (or an event) nothing is stored
    entity.addPrimaryFilter("user", user);
    entity.addPrimaryFilter("name", name);
    List<TimelineEvent> events = new ArrayList<>();
    if (!status.state().equals(lastState)) {
      lastState = status.state();
      events.add(event("STATE_" + status.state(), nowMs, Map.of("progress", status.progress())));
    }
    for (JobStatus.ContainerRow c : status.containers()) {
      String before = containerStates.put(c.id(), c.state());
      if (c.state().equals(before) || !("REGISTERED".equals(c.state()) || "COMPLETED".equals(c.state()))) {
        continue;
      }
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("role", c.role());
      info.put("index", c.index());
      info.put("container", c.id());
      info.put("host", c.host());
      info.put("runtime", c.runtime());
      info.put("restarts", c.restarts());
      if (c.exitCode() != null) {
        info.put("exitCode", c.exitCode());
      }
      if (c.reason() != null) {
        info.put("reason", c.reason());
      }
      events.add(event("CONTAINER_" + c.state(), nowMs, info));
    }
    if (status.preprocess() != null && status.preprocess().get("jobs") instanceof List<?> jobs) {
      for (; preprocessJobsSent < jobs.size(); preprocessJobsSent++) {
        Map<String, Object> info = new LinkedHashMap<>();
        ((Map<?, ?>) jobs.get(preprocessJobsSent)).forEach((k, v) -> info.put(String.valueOf(k), v));
        events.add(event("PREPROCESS_JOB_FINISHED", nowMs, info));
      }
    }
    if (end) {
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("finalStatus", status.finalStatus());
      info.put("diagnostics", status.diagnostics() == null ? "" : status.diagnostics());
      events.add(event("JOB_FINISHED", nowMs, info));
      entity.addOtherInfo("finalStatus", status.finalStatus());
      entity.addOtherInfo("diagnostics", status.diagnostics() == null ? "" : status.diagnostics());
      status.metrics().forEach((k, v) -> {
        if (v instanceof Number || v instanceof String || v instanceof Boolean) {
          entity.addOtherInfo("metrics." + k, v);
        }
      });
      status.timings().forEach((k, v) -> entity.addOtherInfo("timings." + k, v));
      status.restarts().forEach((k, v) -> entity.addOtherInfo("restarts." + k, v));
    }
    entity.setEvents(events);
    return entity;
  }

  private static TimelineEvent event(String type, long timestamp, Map<String, Object> info) {
    TimelineEvent e = new TimelineEvent();
    e.setEventType(type);
    e.setTimestamp(timestamp);
    e.setEventInfo(new HashMap<>(info));
    return e;
  }

  private void send(TimelineEntity entity) {
    try {
      sink.put(entity);
    } catch (Exception e) {
      // The job goes on without its history there; said once at WARN, then at DEBUG.
      if (!failedOnce) {
        failedOnce = true;
        LOG.warn("could not send the job's events to the Timeline service (the job goes on): {}", e.toString());
      } else {
        LOG.debug("could not send the job's events to the Timeline service: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    puts.shutdown();
    try {
      puts.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      sink.close();
    } catch (Exception e) {
      LOG.debug("stopping the Timeline client: {}", e.toString());
    }
  }
}
