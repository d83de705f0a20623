package dev.psyarn.am;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The containers of the job and what is known of each, by container id; and for each slot (a role
 * and an index) the container that holds it now, since a replacement takes its predecessor's slot.
 * Event thread only.
 */
final class ContainerTable {

  private final JobSpec spec;
  private final Map<String, TrackedContainer> byId = new LinkedHashMap<>();
  private long stateChanges;
  /** "server/0" → the id of the container that holds the slot now. */
  private final Map<String, String> holders = new HashMap<>();

  ContainerTable(JobSpec spec) {
    this.spec = spec;
  }

  private static String slot(Role role, int index) {
    return role.specName() + "/" + index;
  }

  void allocated(RoleAllocator.Assignment a, long nowMs) {
    String before = holders.get(slot(a.role(), a.index()));
    int restarts = before == null ? 0 : byId.get(before).restarts() + 1;
    TrackedContainer c = new TrackedContainer(a.role(), a.index(), a.container().getId().toString(),
        a.container().getNodeId().getHost(), a.container().getNodeHttpAddress(), ContainerState.ALLOCATED, null, null,
        Map.of(), restarts, null, nowMs);
    store(c);
    holders.put(slot(a.role(), a.index()), c.id());
  }

  /** A container of the AM's previous attempt, taken over in its slot. */
  void adopt(TrackedContainer c) {
    store(c);
    holders.put(slot(c.role(), c.index()), c.id());
  }

  /** Every slot's current holder, for the journal; servers with the port they registered. */
  List<AmJournal.Slot> slots(java.util.function.IntUnaryOperator serverPort) {
    List<AmJournal.Slot> out = new ArrayList<>();
    for (String id : holders.values()) {
      TrackedContainer c = byId.get(id);
      out.add(new AmJournal.Slot(c.role().specName(), c.index(), c.id(), c.host(), c.nodeHttpAddress(),
          c.role() == Role.SERVER ? serverPort.applyAsInt(c.index()) : 0, c.restarts(),
          c.state() == ContainerState.FINISHED || (c.role() == Role.WORKER && c.state() == ContainerState.COMPLETED
              && Integer.valueOf(0).equals(c.exitCode()))));
    }
    return out;
  }

  void put(TrackedContainer container) {
    store(container);
  }

  private void store(TrackedContainer c) {
    TrackedContainer before = byId.put(c.id(), c);
    if (before == null || before.state() != c.state()) {
      stateChanges++;
    }
  }

  /** How many times a container was added or changed state: a watcher's cheap "anything new?". */
  long stateChanges() {
    return stateChanges;
  }

  Optional<TrackedContainer> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Whether this container holds its slot now (it is not a predecessor that was replaced). */
  boolean holdsSlot(TrackedContainer c) {
    return c.id().equals(holders.get(slot(c.role(), c.index())));
  }

  /** The slot is given up (flex shrank the role): its holder no longer holds it. */
  Optional<TrackedContainer> retire(Role role, int index) {
    String id = holders.remove(slot(role, index));
    return Optional.ofNullable(id == null ? null : byId.get(id));
  }

  /** Containers of the role that hold their slots and still run. */
  int running(Role role) {
    int n = 0;
    for (String id : holders.values()) {
      TrackedContainer c = byId.get(id);
      if (c.role() == role && c.state().live()) {
        n++;
      }
    }
    return n;
  }

  /** Why a registration does not match what the AM launched, if it does not. */
  Optional<String> checkRegistration(String id, String role, int index) {
    TrackedContainer c = byId.get(id);
    if (c == null) {
      return Optional.of("unknown container " + id);
    }
    if (!c.role().specName().equals(role) || c.index() != index) {
      return Optional.of(id + " was launched as " + c.role().specName() + " " + c.index()
          + ", not " + role + " " + index);
    }
    if (!holdsSlot(c)) {
      return Optional.of(id + " was replaced");
    }
    if (c.state() != ContainerState.ALLOCATED && c.state() != ContainerState.STARTED) {
      return Optional.of(id + " registered twice");
    }
    return Optional.empty();
  }

  /** Slots whose current container is in one of these states. */
  int countHolders(ContainerState first, ContainerState... rest) {
    Set<ContainerState> wanted = EnumSet.of(first, rest);
    int n = 0;
    for (String id : holders.values()) {
      if (wanted.contains(byId.get(id).state())) {
        n++;
      }
    }
    return n;
  }

  /** Worker slots whose holder has exited after reporting (its index is among {@code reported}). */
  int countExitedAfterReporting(java.util.Set<Integer> reported) {
    int n = 0;
    for (String id : holders.values()) {
      TrackedContainer c = byId.get(id);
      if (c.role() == Role.WORKER && c.state() == ContainerState.COMPLETED && reported.contains(c.index())) {
        n++;
      }
    }
    return n;
  }

  /** Whether every slot of the role (as flex left them) is held by a container that has exited. */
  boolean allCompleted(Role role) {
    int completed = 0;
    int slots = 0;
    for (Map.Entry<String, String> e : holders.entrySet()) {
      TrackedContainer c = byId.get(e.getValue());
      if (c.role() == role) {
        slots++;
        completed += c.state() == ContainerState.COMPLETED ? 1 : 0;
      }
    }
    return completed == slots && slots > 0;
  }

  /** The containers that hold their slots and still have a process. */
  List<TrackedContainer> live() {
    List<TrackedContainer> out = new ArrayList<>();
    for (String id : holders.values()) {
      TrackedContainer c = byId.get(id);
      if (c.state().live()) {
        out.add(c);
      }
    }
    return out;
  }

  /** Every container, servers first, by index, predecessors before their replacements. */
  List<TrackedContainer> all() {
    List<TrackedContainer> list = new ArrayList<>(byId.values());
    list.sort((a, b) -> a.role() != b.role() ? a.role().compareTo(b.role())
        : a.index() != b.index() ? Integer.compare(a.index(), b.index()) : Integer.compare(a.restarts(), b.restarts()));
    return list;
  }
}
