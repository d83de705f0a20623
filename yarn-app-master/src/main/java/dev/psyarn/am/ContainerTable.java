package dev.psyarn.am;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The containers of the job and what is known of each, by container id. Event thread only. */
final class ContainerTable {

  private final JobSpec spec;
  private final Map<String, TrackedContainer> byId = new LinkedHashMap<>();

  ContainerTable(JobSpec spec) {
    this.spec = spec;
  }

  void allocated(RoleAllocator.Assignment a) {
    put(new TrackedContainer(a.role(), a.index(), a.container().getId().toString(),
        a.container().getNodeId().getHost(), a.container().getNodeHttpAddress(), "ALLOCATED", null, null,
        Map.of()));
  }

  void put(TrackedContainer container) {
    byId.put(container.id(), container);
  }

  Optional<TrackedContainer> byId(String id) {
    return Optional.ofNullable(byId.get(id));
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
    if (!Set.of("ALLOCATED", "STARTED").contains(c.state())) {
      return Optional.of(id + " registered twice");
    }
    return Optional.empty();
  }

  int countInState(String... states) {
    Set<String> wanted = Set.of(states);
    return (int) byId.values().stream().filter(c -> wanted.contains(c.state())).count();
  }

  boolean allCompleted(Role role) {
    long completed = byId.values().stream()
        .filter(c -> c.role() == role && "COMPLETED".equals(c.state())).count();
    return completed >= spec.role(role).instances();
  }

  /** Every container, servers first, by index. */
  List<TrackedContainer> all() {
    List<TrackedContainer> list = new ArrayList<>(byId.values());
    list.sort((a, b) -> a.role() != b.role() ? a.role().compareTo(b.role()) : Integer.compare(a.index(), b.index()));
    return list;
  }
}
