package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.EnumSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.apache.hadoop.yarn.client.api.impl.AMRMClientImpl;
import org.apache.hadoop.yarn.proto.YarnServiceProtos.SchedulerResourceTypes;
import org.junit.jupiter.api.Test;

/** YARN's headroom as the allocator reads it, by what the scheduler counts. */
class AmRmSchedulerTest {

  /** An AMRM client whose last heartbeat said {@code available}. */
  private static AmRmScheduler scheduler(Resource available) {
    AMRMClientImpl<ContainerRequest> rm = new AMRMClientImpl<>() {
      @Override
      public Resource getAvailableResources() {
        return available;
      }
    };
    return new AmRmScheduler(rm, new Configuration(false), new AllocationPace(200, 50));
  }

  @Test
  void aSchedulerThatCountsMemoryOnlyLeavesVcoresUnbounded() {
    AmRmScheduler scheduler = scheduler(Resource.newInstance(7 * 1024, 7));
    assertEquals(Resource.newInstance(7 * 1024, 7), scheduler.headroom(), "before registering: as YARN says");
    scheduler.registered(EnumSet.of(SchedulerResourceTypes.MEMORY));
    assertEquals(7 * 1024, scheduler.headroom().getMemorySize());
    assertEquals(Integer.MAX_VALUE, scheduler.headroom().getVirtualCores(),
        "eight 1-vcore containers fit where YARN's headroom says 7 vcores: it gives them anyway");
    scheduler.registered(EnumSet.of(SchedulerResourceTypes.MEMORY, SchedulerResourceTypes.CPU));
    assertEquals(Resource.newInstance(7 * 1024, 7), scheduler.headroom(), "the dominant resource calculator counts both");
  }

  @Test
  void noHeadroomYetIsUnknown() {
    assertNull(scheduler(null).headroom());
    AmRmScheduler empty = scheduler(Resource.newInstance(0, 0));
    empty.registered(EnumSet.of(SchedulerResourceTypes.MEMORY));
    assertNull(empty.headroom(), "before the first heartbeat's answer");
  }
}
