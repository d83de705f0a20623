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
import org.apache.hadoop.yarn.client.api.TimelineClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's events to the YARN Timeline service (v1 and v1.5), where the cluster has it enabled
 * ({@code yarn.timeline-service.enabled}, version 1.x), so the job's history outlives its AM beside
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

  /** A publisher to the cluster's Timeline service, or empty where v1/v1.5 is not enabled. */
  static Optional<TimelinePublisher> start(Configuration conf, String appId, String user, String name,
      long submitTimeMs) {
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
