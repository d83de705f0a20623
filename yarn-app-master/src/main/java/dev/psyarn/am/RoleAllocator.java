package dev.psyarn.am;

import dev.psyarn.spec.Placement;
import org.apache.hadoop.yarn.api.records.ExecutionType;
import org.apache.hadoop.yarn.api.records.ExecutionTypeRequest;
import org.apache.hadoop.yarn.api.records.ResourceSizing;
import org.apache.hadoop.yarn.api.records.SchedulingRequest;
import org.apache.hadoop.yarn.api.resource.PlacementConstraint;
import org.apache.hadoop.yarn.api.resource.PlacementConstraints;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.Priority;
import org.apache.hadoop.yarn.api.records.Resource;
import org.apache.hadoop.yarn.client.api.AMRMClient.ContainerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks YARN for each role's containers in {@link Role} order (servers first, then workers once
 * every server is allocated) and matches what YARN gives by {@code allocationRequestId}; whatever
 * no role needs is released. Confined to the AM's event thread.
 */
final class RoleAllocator {

  /** The part of the AMRM client the allocator uses; tests pass a fake. */
  interface Scheduler {
    void request(ContainerRequest request);

    void withdraw(ContainerRequest request);

    void release(ContainerId container);

    /** Asks for containers under a placement constraint. */
    void schedule(SchedulingRequest request);

    /** Places no more containers of the job on this node. */
    default void blacklist(String node) {
      throw new UnsupportedOperationException("this scheduler cannot blacklist nodes");
    }

    /** The node's name as the scheduler knows it (what {@link #blacklist} takes). */
    default String nodeName(org.apache.hadoop.yarn.api.records.NodeId node) {
      return node.getHost();
    }

    /** Nodes in the cluster, to tell when blacklisting leaves none. */
    default int clusterNodes() {
      return Integer.MAX_VALUE;
    }

    /** What the job's queue can still give it (YARN's headroom at the last heartbeat); null: not known yet. */
    default Resource headroom() {
      return null;
    }

    /** The scheduler's smallest container, which every ask's memory is rounded up to. */
    default int minimumAllocationMb() {
      return 1;
    }

    /** Whether any ask is still out, told after every change ({@link AllocationPace}). */
    default void waiting(boolean any) {
    }
  }

  /** A container given to a role. */
  record Assignment(Role role, int index, Container container) {}

  private static final Logger LOG = LoggerFactory.getLogger(RoleAllocator.class);

  private final JobSpec spec;
  private final Scheduler scheduler;
  private final Map<Role, Deque<ContainerRequest>> outstanding = new EnumMap<>(Role.class);
  private final Map<Role, Integer> assigned = new EnumMap<>(Role.class);
  /** Containers still due on roles asked for with a scheduling request. */
  private final Map<Role, Integer> scheduled = new EnumMap<>(Role.class);
  /** Replacements asked for and not allocated yet, by their own allocation request id. */
  private final Map<Long, Replacement> replacements = new java.util.LinkedHashMap<>();
  /** When each role's outstanding first asks went out (AM clock). */
  private final Map<Role, Long> askedAt = new EnumMap<>(Role.class);
  private final java.time.Clock clock;
  private long nextReplacementId = FIRST_REPLACEMENT_ID;
  private int nextRole;
  /** Roles from this ordinal on are not asked for yet (see {@link #startServers}). */
  private int heldFrom = Role.values().length;

  /** A replacement for one slot, asked for with its own allocation request. */
  private record Replacement(Role role, int index, ContainerRequest request, long askedAtMs) {}

  /** Allocation request ids from here on are replacements, one each. */
  static final long FIRST_REPLACEMENT_ID = 1000;

  RoleAllocator(JobSpec spec, Scheduler scheduler) {
    this(spec, scheduler, java.time.Clock.systemUTC());
  }

  RoleAllocator(JobSpec spec, Scheduler scheduler, java.time.Clock clock) {
    this.spec = spec;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /**
   * Asks for a container to take the slot of {@code role} {@code index}, with an allocation
   * request of its own so that what YARN gives for it is matched to that slot. A role placed with a
   * per-node limit keeps its allocation tag, so the constraint still holds for the replacement.
   */
  void replace(Role role, int index) {
    long id = nextReplacementId++;
    Placement placement = spec.role(role).placement();
    ContainerRequest request = null;
    if (placement.constrained()) {
      scheduler.schedule(schedulingRequest(role, id, 1));
    } else {
      request = containerRequest(role, id);
      scheduler.request(request);
    }
    replacements.put(id, new Replacement(role, index, request, clock.millis()));
    LOG.info("asked for a replacement of {} {} (allocation request {})", role.specName(), index, id);
    paced();
  }

  private void paced() {
    boolean any = !replacements.isEmpty();
    for (Role role : Role.values()) {
      any |= !roleDone(role);
    }
    scheduler.waiting(any);
  }

  /** How long the oldest unsatisfied ask of the role has waited, in ms; 0 when none waits. */
  long waitingMs(Role role) {
    long now = clock.millis();
    long oldest = now;
    if (askedAt.containsKey(role)) {
      oldest = askedAt.get(role);
    }
    for (Replacement r : replacements.values()) {
      if (r.role() == role) {
        oldest = Math.min(oldest, r.askedAtMs());
      }
    }
    return now - oldest;
  }

  /** Gives back a container no slot needs any more (its slot was retired by flex). */
  void release(Assignment a) {
    LOG.info("releasing {}: {} {} is no longer wanted", a.container().getId(), a.role().specName(), a.index());
    scheduler.release(a.container().getId());
  }

  /** Places no more containers on the node; false when no node of the cluster is left. */
  boolean blacklist(String node, int blacklistedSoFar) {
    scheduler.blacklist(node);
    LOG.warn("blacklisted node {}: no more containers of this job go there", node);
    return blacklistedSoFar < scheduler.clusterNodes();
  }

  /** The name of an assignment's node as the scheduler knows it. */
  String nodeName(Assignment a) {
    return scheduler.nodeName(a.container().getNodeId());
  }

  /**
   * Every role's containers came from an earlier AM attempt: nothing is asked for but
   * replacements.
   */
  void tookOver() {
    for (Role role : Role.values()) {
      assigned.put(role, spec.role(role).instances());
    }
    nextRole = Role.values().length;
  }

  /**
   * Requests the first role's containers, then each next role's once the one before is allocated,
   * or at once when the queue has room for them all ({@link #askAhead}).
   */
  void start() {
    heldFrom = Role.values().length;
    if (nextRole == 0 || roleDone(Role.values()[nextRole - 1])) {
      requestNextRole();
    }
    askAhead();
  }

  /**
   * Asks for the next roles before the one asked for last is allocated, when YARN's headroom (as
   * its last heartbeat said) holds every container still due and theirs besides: then no worker
   * can take the room a server waits for, which is why roles are asked for one after another. It
   * saves an allocation round (a heartbeat or two of the AM and the NodeManagers) at every start.
   * Not for roles placed by node label or per-node limit (the headroom of the queue does not say
   * where the room is). True when it asked for more.
   */
  boolean askAhead() {
    boolean asked = false;
    while (nextRole > 0 && nextRole < Math.min(heldFrom, Role.values().length)) {
      Resource headroom = scheduler.headroom();
      Role next = Role.values()[nextRole];
      if (headroom == null || !placedAnywhere() || !fits(headroom, due(next))) {
        break;
      }
      LOG.info("asking for the {} containers now: the queue's headroom {} holds them and those still due",
          next.specName(), headroom);
      requestNextRole();
      asked = true;
    }
    return asked;
  }

  /** Whether roles are asked for one after another and one is still to ask for. */
  boolean rolesHeld() {
    return nextRole > 0 && nextRole < Math.min(heldFrom, Role.values().length);
  }

  private boolean placedAnywhere() {
    for (Role role : Role.values()) {
      Placement p = spec.role(role).placement();
      if (p.constrained() || p.nodeLabel() != null) {
        return false;
      }
    }
    return true;
  }

  /** Memory and vcores of every container asked for and not allocated yet, and of {@code next}'s. */
  private Resource due(Role next) {
    long memory = 0;
    long vcores = 0;
    for (Role role : Role.values()) {
      int count = role == next ? spec.role(role).instances()
          : outstanding.getOrDefault(role, new ArrayDeque<>()).size() + scheduled.getOrDefault(role, 0);
      long mb = spec.role(role).resources().memoryMb();
      int minimum = Math.max(1, scheduler.minimumAllocationMb());
      memory += count * ((mb + minimum - 1) / minimum * minimum);
      vcores += (long) count * spec.role(role).resources().vcores();
    }
    return Resource.newInstance(memory, (int) Math.min(Integer.MAX_VALUE, vcores));
  }

  private static boolean fits(Resource headroom, Resource due) {
    return headroom.getMemorySize() >= due.getMemorySize() && headroom.getVirtualCores() >= due.getVirtualCores();
  }

  /** Requests the servers only (while preprocessing runs); {@link #start} asks for the rest. */
  void startServers() {
    heldFrom = Role.SERVER.ordinal() + 1;
    if (nextRole == 0) {
      requestNextRole();
    }
  }

  /** Whether anything was asked for yet. */
  boolean started() {
    return nextRole > 0;
  }

  /** What YARN's queue can still give the job, as its last heartbeat said; null: not known yet. */
  Resource headroom() {
    return scheduler.headroom();
  }

  private boolean roleDone(Role role) {
    return scheduled.getOrDefault(role, 0) == 0 && outstanding.getOrDefault(role, new ArrayDeque<>()).isEmpty();
  }

  static long allocationRequestId(Role role) {
    return role.ordinal() + 1L;
  }

  /** Assigns what YARN allocated; releases the surplus; requests the next role when one is complete. */
  List<Assignment> allocated(List<Container> containers) {
    List<Assignment> out = new ArrayList<>();
    for (Container container : containers) {
      Replacement replacement = replacements.remove(container.getAllocationRequestId());
      if (replacement != null) {
        if (replacement.request() != null) {
          scheduler.withdraw(replacement.request());
        }
        out.add(new Assignment(replacement.role(), replacement.index(), container));
        continue;
      }
      Role role = roleOf(container.getAllocationRequestId());
      if (role != null && scheduled.getOrDefault(role, 0) > 0) {
        int left = scheduled.merge(role, -1, Integer::sum);
        int index = assigned.merge(role, 1, Integer::sum) - 1;
        out.add(new Assignment(role, index, container));
        if (left == 0) {
          askedAt.remove(role);
          if (role.ordinal() == nextRole - 1) {
            requestNextRole();
          }
        }
        continue;
      }
      Deque<ContainerRequest> pending = role == null ? null : outstanding.get(role);
      if (pending == null || pending.isEmpty()) {
        LOG.info("releasing surplus container {} (allocation request {})", container.getId(),
            container.getAllocationRequestId());
        scheduler.release(container.getId());
        continue;
      }
      scheduler.withdraw(pending.poll());
      int index = assigned.merge(role, 1, Integer::sum) - 1;
      out.add(new Assignment(role, index, container));
      if (pending.isEmpty()) {
        askedAt.remove(role);
        if (role.ordinal() == nextRole - 1) {
          requestNextRole();
        }
      }
    }
    paced();
    return out;
  }

  /**
   * What YARN has not given yet, for the status while the job waits ("2 of 2 worker containers
   * (512 MiB, 1 vcores; node label gpu)"), or empty when nothing is outstanding.
   */
  String waitingFor() {
    List<String> parts = new ArrayList<>();
    for (Role role : Role.values()) {
      int wanted = spec.role(role).instances();
      int got = assigned.getOrDefault(role, 0);
      boolean asked = role.ordinal() < nextRole;
      if (asked && got < wanted) {
        parts.add((wanted - got) + " of " + wanted + " " + role.specName() + " containers (" + describeAsk(role) + ")");
      }
      List<String> slots = new ArrayList<>();
      for (Replacement r : replacements.values()) {
        if (r.role() == role) {
          slots.add(role.specName() + " " + r.index());
        }
      }
      if (!slots.isEmpty()) {
        parts.add("replacements for " + String.join(", ", slots) + " (" + describeAsk(role) + ")");
      }
    }
    return String.join(", ", parts);
  }

  private String describeAsk(Role role) {
    Placement p = spec.role(role).placement();
    return spec.role(role).resources().memoryMb() + " MiB, " + spec.role(role).resources().vcores() + " vcores"
        + (spec.role(role).resources().others().isEmpty() ? "" : ", " + spec.role(role).resources().others())
        + (p.equals(Placement.ANYWHERE) ? "" : "; " + p);
  }

  /** Whether every role has all its containers. */
  boolean complete() {
    for (Role role : Role.values()) {
      if (assigned.getOrDefault(role, 0) < spec.role(role).instances()) {
        return false;
      }
    }
    return true;
  }

  private void requestNextRole() {
    if (nextRole >= Math.min(heldFrom, Role.values().length)) {
      return;
    }
    Role role = Role.values()[nextRole++];
    askedAt.put(role, clock.millis());
    Placement placement = spec.role(role).placement();
    if (placement.constrained()) {
      scheduler.schedule(schedulingRequest(role, allocationRequestId(role), spec.role(role).instances()));
      scheduled.put(role, spec.role(role).instances());
      LOG.info("requested {} {} containers of {} ({})", spec.role(role).instances(), role.specName(),
          spec.role(role).resources(), placement);
      paced();
      return;
    }
    Deque<ContainerRequest> requests = new ArrayDeque<>();
    for (int i = 0; i < spec.role(role).instances(); i++) {
      ContainerRequest request = containerRequest(role, allocationRequestId(role));
      requests.add(request);
      scheduler.request(request);
    }
    outstanding.put(role, requests);
    LOG.info("requested {} {} containers of {}", requests.size(), role.specName(),
        spec.role(role).resources());
    paced();
  }

  private ContainerRequest containerRequest(Role role, long allocationRequestId) {
    return ContainerRequest.newBuilder()
        .capability(spec.role(role).resources().toResource())
        .priority(Priority.newInstance(role.ordinal()))
        .allocationRequestId(allocationRequestId)
        .relaxLocality(true)
        .nodeLabelsExpression(spec.role(role).placement().nodeLabel())
        .build();
  }

  private SchedulingRequest schedulingRequest(Role role, long allocationRequestId, int count) {
    Placement placement = spec.role(role).placement();
    String tag = allocationTag(role);
    PlacementConstraint.AbstractConstraint limit = PlacementConstraints.maxCardinality(PlacementConstraints.NODE,
        placement.maxPerNode() - 1, tag);
    PlacementConstraint constraint = (placement.nodeLabel() == null ? limit
        : PlacementConstraints.and(limit, PlacementConstraints.targetIn(PlacementConstraints.NODE,
            PlacementConstraints.PlacementTargets.nodePartition(placement.nodeLabel())))).build();
    return SchedulingRequest.newBuilder()
        .allocationRequestId(allocationRequestId)
        .priority(Priority.newInstance(role.ordinal()))
        .executionType(ExecutionTypeRequest.newInstance(ExecutionType.GUARANTEED, true))
        .allocationTags(java.util.Set.of(tag))
        .resourceSizing(ResourceSizing.newInstance(count, spec.role(role).resources().toResource()))
        .placementConstraintExpression(constraint)
        .build();
  }

  /** The allocation tag of a role's containers (placement constraints refer to it). */
  static String allocationTag(Role role) {
    return "psyarn-" + role.specName();
  }

  private static Role roleOf(long allocationRequestId) {
    for (Role role : Role.values()) {
      if (allocationRequestId(role) == allocationRequestId) {
        return role;
      }
    }
    return null;
  }
}
