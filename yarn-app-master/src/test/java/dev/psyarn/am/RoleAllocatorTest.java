package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.JobSpecParser;
import dev.psyarn.spec.Role;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.junit.jupiter.api.Test;

class RoleAllocatorTest {

  /** Records what the allocator asks of the ResourceManager. */
  static final class FakeScheduler implements RoleAllocator.Scheduler {
    final List<ContainerRequest> requested = new ArrayList<>();
    final List<ContainerRequest> withdrawn = new ArrayList<>();
    final List<ContainerId> released = new ArrayList<>();
    final List<org.apache.hadoop.yarn.api.records.SchedulingRequest> scheduled = new ArrayList<>();
    final List<String> blacklisted = new ArrayList<>();
    int nodes = 2;
    /** What the fake queue can still give; null: not known yet. */
    org.apache.hadoop.yarn.api.records.Resource headroom;
    int minimumMb = 1;
    /** What the allocator last said of its asks (null: nothing yet). */
    Boolean waiting;

    @Override
    public void waiting(boolean any) {
      waiting = any;
    }

    @Override
    public int minimumAllocationMb() {
      return minimumMb;
    }

    @Override
    public org.apache.hadoop.yarn.api.records.Resource headroom() {
      return headroom;
    }

    @Override
    public void blacklist(String node) {
      blacklisted.add(node);
    }

    @Override
    public int clusterNodes() {
      return nodes;
    }

    @Override
    public void schedule(org.apache.hadoop.yarn.api.records.SchedulingRequest request) {
      scheduled.add(request);
    }

    @Override
    public void request(ContainerRequest request) {
      requested.add(request);
    }

    @Override
    public void withdraw(ContainerRequest request) {
      withdrawn.add(request);
    }

    @Override
    public void release(ContainerId container) {
      released.add(container);
    }

    long requestedFor(Role role) {
      return requested.stream().filter(r -> r.getAllocationRequestId() == RoleAllocator.allocationRequestId(role)).count();
    }
  }

  static final JobSpec SPEC = JobSpecParser.parse("""
      name: t
      roles: {server: {instances: 2, memory: 256m}, worker: {instances: 3, memory: 128m, vcores: 2}}
      app: {type: counter}
      """);

  private final FakeScheduler scheduler = new FakeScheduler();
  private final RoleAllocator allocator = new RoleAllocator(SPEC, scheduler);

  @Test
  void serversAreRequestedFirstWithTheirOwnAsk() {
    allocator.start();
    assertEquals(2, scheduler.requestedFor(Role.SERVER));
    assertEquals(0, scheduler.requestedFor(Role.WORKER));
    ContainerRequest server = scheduler.requested.get(0);
    assertEquals(256, server.getCapability().getMemorySize());
    assertEquals(0, server.getPriority().getPriority());
  }

  @Test
  void workersAreRequestedOnceEveryServerIsAllocated() {
    allocator.start();
    List<RoleAllocator.Assignment> first = allocator.allocated(List.of(Containers.of(1, Role.SERVER)));
    assertEquals(0, scheduler.requestedFor(Role.WORKER));
    allocator.allocated(List.of(Containers.of(2, Role.SERVER)));
    assertEquals(3, scheduler.requestedFor(Role.WORKER));
    ContainerRequest worker = scheduler.requested.get(2);
    assertEquals(128, worker.getCapability().getMemorySize());
    assertEquals(2, worker.getCapability().getVirtualCores());
    assertEquals(Role.SERVER, first.get(0).role());
    assertEquals(0, first.get(0).index());
    assertEquals(2, scheduler.withdrawn.size(), "each matched container withdraws one request");
  }

  @Test
  void theSchedulerHearsWhileAsksAreOutAndWhenTheLastIsGiven() {
    assertNull(scheduler.waiting);
    allocator.start();
    assertEquals(Boolean.TRUE, scheduler.waiting);
    allocator.allocated(List.of(Containers.of(1, Role.SERVER), Containers.of(2, Role.SERVER)));
    assertEquals(Boolean.TRUE, scheduler.waiting, "the workers are asked for now");
    allocator.allocated(List.of(Containers.of(3, Role.WORKER), Containers.of(4, Role.WORKER)));
    assertEquals(Boolean.TRUE, scheduler.waiting, "one worker still due");
    allocator.allocated(List.of(Containers.of(5, Role.WORKER)));
    assertEquals(Boolean.FALSE, scheduler.waiting);
    allocator.replace(Role.SERVER, 1);
    assertEquals(Boolean.TRUE, scheduler.waiting, "a replacement is an ask");
    allocator.allocated(List.of(Containers.of(6, Role.WORKER)));
    assertEquals(Boolean.TRUE, scheduler.waiting, "a surplus container satisfies no ask");
    allocator.allocated(List.of(Containers.forRequest(7, RoleAllocator.FIRST_REPLACEMENT_ID)));
    assertEquals(Boolean.FALSE, scheduler.waiting);
  }

  @Test
  void indexesFollowAllocationOrderAndSurplusIsReleased() {
    allocator.start();
    allocator.allocated(List.of(Containers.of(1, Role.SERVER), Containers.of(2, Role.SERVER)));
    Container surplusServer = Containers.of(3, Role.SERVER);
    List<RoleAllocator.Assignment> workers = allocator.allocated(List.of(surplusServer,
        Containers.of(4, Role.WORKER), Containers.of(5, Role.WORKER)));
    assertEquals(List.of(0, 1), workers.stream().map(RoleAllocator.Assignment::index).toList());
    assertEquals(List.of(surplusServer.getId()), scheduler.released);
    assertFalse(allocator.complete());
    allocator.allocated(List.of(Containers.of(6, Role.WORKER), Containers.of(7, Role.WORKER)));
    assertTrue(allocator.complete());
    assertEquals(2, scheduler.released.size(), "the fourth worker is surplus");
  }

  @Test
  void antiAffineRolesAreAskedForWithAPlacementConstraintAndLabelsGoOnRequests() {
    JobSpec spec = dev.psyarn.spec.JobSpecParser.parse("""
        name: t
        roles:
          server: {instances: 3, placement: {antiAffinity: true}}
          worker: {instances: 2, nodeLabel: gpu}
        app: {type: counter}
        """);
    FakeScheduler scheduler = new FakeScheduler();
    RoleAllocator allocator = new RoleAllocator(spec, scheduler);
    allocator.start();
    assertEquals(1, scheduler.scheduled.size());
    org.apache.hadoop.yarn.api.records.SchedulingRequest servers = scheduler.scheduled.get(0);
    assertEquals(3, servers.getResourceSizing().getNumAllocations());
    assertEquals(java.util.Set.of("psyarn-server"), servers.getAllocationTags());
    String constraint = servers.getPlacementConstraint().toString();
    assertEquals("notin,node,psyarn-server", constraint, "no other server on the node");
    assertTrue(scheduler.requested.isEmpty());

    List<RoleAllocator.Assignment> got = allocator.allocated(List.of(Containers.of(1, Role.SERVER),
        Containers.of(2, Role.SERVER)));
    assertEquals(2, got.size());
    assertTrue(scheduler.requested.isEmpty(), "workers wait until every server is placed");
    allocator.allocated(List.of(Containers.of(3, Role.SERVER)));
    assertEquals(2, scheduler.requested.size());
    assertEquals("gpu", scheduler.requested.get(0).getNodeLabelExpression());
  }

  @Test
  void workersAreAskedForWithTheServersWhenTheHeadroomHoldsThemAll() {
    // 2 servers of 256 MiB and 3 workers of 128 MiB and 2 vcores: 896 MiB and 8 vcores in all.
    scheduler.headroom = org.apache.hadoop.yarn.api.records.Resource.newInstance(896, 8);
    allocator.start();
    assertEquals(2, scheduler.requestedFor(Role.SERVER));
    assertEquals(3, scheduler.requestedFor(Role.WORKER), "one allocation round for both roles");
    assertEquals(1, scheduler.requested.get(2).getPriority().getPriority(), "servers still come first");
    allocator.allocated(List.of(Containers.of(1, Role.SERVER), Containers.of(2, Role.SERVER)));
    assertEquals(5, scheduler.requested.size(), "nothing is asked for twice");
  }

  @Test
  void workersWaitForTheServersWhileTheHeadroomIsShortOrUnknown() {
    scheduler.headroom = org.apache.hadoop.yarn.api.records.Resource.newInstance(895, 8);
    allocator.start();
    assertEquals(0, scheduler.requestedFor(Role.WORKER), "a MiB short");
    scheduler.headroom = org.apache.hadoop.yarn.api.records.Resource.newInstance(4096, 7);
    assertFalse(allocator.askAhead(), "a vcore short");
    scheduler.headroom = null;
    assertFalse(allocator.askAhead(), "not known");
    assertTrue(allocator.rolesHeld());
    // One server allocated: what is still due is the other server and the workers.
    allocator.allocated(List.of(Containers.of(1, Role.SERVER)));
    scheduler.headroom = org.apache.hadoop.yarn.api.records.Resource.newInstance(640, 7);
    assertTrue(allocator.askAhead());
    assertEquals(3, scheduler.requestedFor(Role.WORKER));
    assertFalse(allocator.rolesHeld());
  }

  @Test
  void askingAheadRoundsAsksUpToTheSchedulersSmallestContainer() {
    FakeScheduler scheduler = new FakeScheduler();
    scheduler.minimumMb = 1024;
    RoleAllocator allocator = new RoleAllocator(SPEC, scheduler);
    scheduler.headroom = org.apache.hadoop.yarn.api.records.Resource.newInstance(5 * 1024 - 1, 8);
    allocator.start();
    assertEquals(0, scheduler.requestedFor(Role.WORKER), "5 containers of 1 GiB each do not fit");
    scheduler.headroom = org.apache.hadoop.yarn.api.records.Resource.newInstance(5 * 1024, 8);
    assertTrue(allocator.askAhead());
  }

  @Test
  void placedRolesAndEarlyServersAreNeverAskedAhead() {
    JobSpec spec = dev.psyarn.spec.JobSpecParser.parse("""
        name: t
        roles:
          server: {instances: 2}
          worker: {instances: 2, nodeLabel: gpu}
        app: {type: counter}
        """);
    FakeScheduler scheduler = new FakeScheduler();
    scheduler.headroom = org.apache.hadoop.yarn.api.records.Resource.newInstance(1 << 20, 1000);
    RoleAllocator labelled = new RoleAllocator(spec, scheduler);
    labelled.start();
    assertEquals(0, scheduler.requestedFor(Role.WORKER), "the queue's headroom does not say where the room is");

    this.scheduler.headroom = scheduler.headroom;
    allocator.startServers();
    assertFalse(allocator.askAhead(), "workers wait for the shards while preprocessing runs");
    assertEquals(0, this.scheduler.requestedFor(Role.WORKER));
    allocator.start();
    assertEquals(3, this.scheduler.requestedFor(Role.WORKER), "then go out at once");
  }
}
