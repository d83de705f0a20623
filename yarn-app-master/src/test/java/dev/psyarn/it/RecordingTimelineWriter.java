package dev.psyarn.it;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.timelineservice.TimelineEntities;
import org.apache.hadoop.yarn.api.records.timelineservice.TimelineEntity;
import org.apache.hadoop.yarn.api.records.timelineservice.TimelineWriteResponse;
import org.apache.hadoop.yarn.server.timelineservice.collector.TimelineCollectorContext;
import org.apache.hadoop.yarn.server.timelineservice.storage.NoOpTimelineWriterImpl;

/**
 * A Timeline v2 storage for a mini cluster's collectors (which run in the test's JVM): keeps what
 * they write, with the collector's context, for the test to read.
 */
public final class RecordingTimelineWriter extends NoOpTimelineWriterImpl {

  /** One entity as a collector wrote it. */
  record Written(String appId, String user, String flow, TimelineEntity entity) {}

  static final List<Written> WRITTEN = new CopyOnWriteArrayList<>();

  @Override
  public TimelineWriteResponse write(TimelineCollectorContext context, TimelineEntities entities,
      UserGroupInformation callerUgi) throws IOException {
    for (TimelineEntity entity : entities.getEntities()) {
      WRITTEN.add(new Written(context.getAppId(), context.getUserId(), context.getFlowName(), entity));
    }
    return new TimelineWriteResponse();
  }
}
