package dev.psyarn.am;

import dev.psyarn.ps.wire.ControlMessages.FlexReply;
import dev.psyarn.ps.wire.ControlMessages.ServerInfo;
import dev.psyarn.ps.wire.ControlMessages.ViewChange;
import dev.psyarn.ps.transport.RequestHandler.Reply;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server flex: grows or shrinks the servers of a running job, moving only the keys whose owner
 * changes. A change goes through its phases on the containers' heartbeats:
 *
 * <ol>
 *   <li>{@code JOINING}: the added servers are asked for and start empty (they know they join);
 *   <li>{@code PAUSE}: every worker is told to send nothing more and says when nothing it sent is
 *       in flight ({@code view.quiescent}); views are held meanwhile, so a worker that starts then
 *       gets the new layout's;
 *   <li>{@code PREPARE}: every server of the old and new layouts is told both; each server of the
 *       new one builds its new ranges from the old ranges' holders ({@code view.prepared});
 *   <li>{@code COMMIT}: the servers serve the new ranges ({@code view.committed}); then the
 *       directory's view of the new layout goes out, the workers route by it, and the servers
 *       beyond the new count are retired.
 * </ol>
 *
 * A server lost before the commit calls the change off (the old layout stays, the added servers
 * are retired, the lost one is replaced as usual); one lost while the servers commit fails the
 * job, as no one can tell which of its keys had moved. Event thread only.
 */
final class ServerFlex {

  private static final Logger LOG = LoggerFactory.getLogger(ServerFlex.class);

  enum Phase { NONE, JOINING, PAUSE, PREPARE, COMMIT }

  private final JobSpec spec;
  private final ContainerTable containers;
  private final RoleAllocator allocator;
  private final Launcher launcher;
  private final ClusterDirectory directory;
  private final Clock clock;
  private final Runnable journal;
  private Phase phase = Phase.NONE;
  /** The servers of the layout in force, and its number. */
  private int current;
  private int layout;
  /** The change under way: its number, the servers before and after, the added servers' endpoints. */
  private int change;
  private int target;
  private ServerInfo[] joined;
  private ServerInfo[] sources;
  private ServerInfo[] targets;
  private long startedMs;
  private final List<Map<String, Object>> changes = new ArrayList<>();

  ServerFlex(JobSpec spec, ContainerTable containers, RoleAllocator allocator, Launcher launcher,
      ClusterDirectory directory, Clock clock, Runnable journal) {
    this.spec = spec;
    this.containers = containers;
    this.allocator = allocator;
    this.launcher = launcher;
    this.directory = directory;
    this.clock = clock;
    this.journal = journal;
    this.current = spec.role(Role.SERVER).instances();
  }

  /** The servers the job wants now: the layout in force, or the one a change goes to. */
  int desired() {
    return phase == Phase.NONE ? current : target;
  }

  /** Whether a server slot of this index is wanted (not retired by a flex). */
  boolean wanted(int index) {
    return index < Math.max(current, phase == Phase.NONE ? 0 : target);
  }

  /** Whether server {@code index} joins with the change under way (it starts empty). */
  boolean joins(int index) {
    return phase != Phase.NONE && index >= current;
  }

  /** Grows or shrinks the servers to {@code instances}; answered once the change is under way. */
  void flex(int instances, String by, Reply reply) {
    Optional<String> refused = refusal(instances);
    if (refused.isPresent()) {
      reply.error(refused.get());
      return;
    }
    if (instances == current) {
      reply.ok(new FlexReply(Role.SERVER.specName(), current, containers.running(Role.SERVER)));
      return;
    }
    change = layout + 1;
    target = instances;
    joined = new ServerInfo[target];
    startedMs = clock.millis();
    LOG.info("{} flexes the servers from {} to {} (layout {})", by, current, target, change);
    launcher.serverLayout(current, current, target, change);
    if (target > current) {
      phase = Phase.JOINING;
      for (int i = current; i < target; i++) {
        allocator.replace(Role.SERVER, i);
      }
    } else {
      pause();
    }
    reply.ok(new FlexReply(Role.SERVER.specName(), target, containers.running(Role.SERVER)));
  }

  private Optional<String> refusal(int instances) {
    int copies = spec.serverState().replication();
    if (instances < copies + 1 || instances > 10_000) {
      return Optional.of("instances must be from " + (copies + 1) + " (replication " + copies + " needs "
          + (copies + 1) + " servers) to 10000, got " + instances);
    }
    if (spec.serverState().checkpoints()) {
      return Optional.of("servers cannot be flexed in a job with checkpoints yet: a checkpoint's files are cut by"
          + " one layout of the servers; use replication for a job whose servers are flexed");
    }
    if (spec.maxAppAttempts() > 1) {
      return Optional.of("servers cannot be flexed in a job with maxAppAttempts > 1 yet: the AM's journal does not"
          + " record the servers' layout");
    }
    if (phase != Phase.NONE) {
      return Optional.of("the servers are being flexed to " + target + " already (" + phase.name().toLowerCase()
          + "); flex again once it is done");
    }
    for (int i = 0; i < current; i++) {
      if (directory.server(i) == null) {
        return Optional.of("server " + i + " is not running (being replaced); flex again once it runs");
      }
    }
    // A push cut short before the last change (a worker lost mid-push) is applied to some keys of a
    // range and not others, which the range knows by the old layout's ranges; a second change would
    // carry only the highest push and lose which keys lack it.
    for (TrackedContainer c : containers.live()) {
      double split = c.role() == Role.SERVER ? c.metrics().getOrDefault("flex.splitOrigins", 0.0) : 0;
      if (split > 0) {
        return Optional.of("server " + c.index() + " holds " + (long) split + " push(es) that the last change of the"
            + " layout found cut short (a worker lost mid-push) and that are not sent again yet; another change now"
            + " would lose which keys have them: flex again once the workers have pushed past them (the servers'"
            + " flex.splitOrigins back to 0)");
      }
    }
    return Optional.empty();
  }

  /** A server of the change under way registered. */
  void joined(int index, String host, int port) {
    joined[index] = new ServerInfo(index, host, port);
    LOG.info("server {} joined at {}:{} for layout {}", index, host, port, change);
    advance();
  }

  /** What the change under way asks of this container, for its heartbeat's answer; null for nothing. */
  ViewChange forContainer(TrackedContainer c) {
    if (phase == Phase.NONE || phase == Phase.JOINING) {
      return null;
    }
    if (c.role() == Role.WORKER) {
      return new ViewChange(change, ViewChange.Phase.PAUSE, target, null, null); // a worker pauses until the new view
    }
    return phase == Phase.PAUSE ? null : new ViewChange(change, ViewChange.Phase.valueOf(phase.name()), target,
        sources, targets);
  }

  /** A heartbeat brought new figures: the change goes on when everyone is where it needs them. */
  void advance() {
    switch (phase) {
      case JOINING -> {
        for (int i = current; i < target; i++) {
          if (joined[i] == null) {
            return;
          }
        }
        pause();
      }
      case PAUSE -> {
        if (workersQuiescent()) {
          sources = directory.view().servers();
          targets = new ServerInfo[target];
          for (int i = 0; i < target; i++) {
            targets[i] = i < current ? directory.server(i) : joined[i];
          }
          phase = Phase.PREPARE;
          LOG.info("every worker is quiescent; the servers prepare layout {} of {} servers", change, target);
        }
      }
      case PREPARE -> {
        Optional<TrackedContainer> failed = serverAt("view.failed");
        if (failed.isPresent()) {
          callOff("server " + failed.get().index() + " could not take its keys (see its log: psyarn logs)");
        } else if (allServersAt("view.prepared")) {
          phase = Phase.COMMIT;
          LOG.info("every server prepared layout {}; committing", change);
        }
      }
      case COMMIT -> {
        if (allServersAt("view.committed")) {
          done();
        }
      }
      default -> { }
    }
  }

  private void pause() {
    phase = Phase.PAUSE;
    directory.holdViews(true);
    LOG.info("pausing the workers for layout {}", change);
    advance();
  }

  private boolean workersQuiescent() {
    for (TrackedContainer c : containers.live()) {
      if (c.role() == Role.WORKER && c.state() == ContainerState.REGISTERED
          && c.metrics().getOrDefault("view.quiescent", -1.0) != change) {
        return false;
      }
    }
    return true;
  }

  /** Whether every server of both layouts reports {@code figure} at the change under way. */
  private boolean allServersAt(String figure) {
    int seen = 0;
    for (TrackedContainer c : containers.live()) {
      if (c.role() == Role.SERVER && c.index() < Math.max(current, target)) {
        if (c.metrics().getOrDefault(figure, -1.0) != change) {
          return false;
        }
        seen++;
      }
    }
    return seen == Math.max(current, target);
  }

  private Optional<TrackedContainer> serverAt(String figure) {
    return containers.live().stream()
        .filter(c -> c.role() == Role.SERVER && c.metrics().getOrDefault(figure, -1.0) == change).findFirst();
  }

  private void done() {
    ServerInfo[] now = java.util.Arrays.copyOf(targets, target);
    int before = current;
    directory.relayout(change, now);
    layout = change;
    current = target;
    phase = Phase.NONE;
    launcher.serverLayout(current, -1, current, layout);
    for (int i = target; i < before; i++) {
      containers.retire(Role.SERVER, i).filter(c -> c.state().live()).ifPresent(c -> {
        containers.put(c.stopping(ExitReason.KILLED_BY_APPMASTER, "retired by flex", clock.millis()));
        launcher.stop(c.id());
      });
    }
    long keysMoved = 0;
    for (TrackedContainer c : containers.live()) {
      if (c.role() == Role.SERVER && c.metrics().getOrDefault("view.prepared", -1.0) == change) {
        keysMoved += c.metrics().getOrDefault("flex.keysFetched", 0.0).longValue();
      }
    }
    record(before, "done", null, keysMoved);
    LOG.info("the servers run layout {}: {} servers (from {}) in {} ms", layout, current, before,
        clock.millis() - startedMs);
    journal.run();
  }

  /** Gives the change up before any server committed: the old layout stays, the added servers go. */
  private void callOff(String why) {
    LOG.warn("the flex of the servers to {} is called off: {}", target, why);
    ServerInfo[] old = new ServerInfo[current];
    for (int i = 0; i < current; i++) {
      old[i] = directory.server(i);
    }
    directory.relayout(change, old);
    layout = change;
    for (int i = current; i < target; i++) {
      containers.retire(Role.SERVER, i).filter(c -> c.state().live()).ifPresent(c -> {
        containers.put(c.stopping(ExitReason.KILLED_BY_APPMASTER, "the flex was called off", clock.millis()));
        launcher.stop(c.id());
      });
    }
    phase = Phase.NONE;
    launcher.serverLayout(current, -1, current, layout);
    record(current, "called off", why, 0);
  }

  /**
   * A server was lost: before the commit, the change is called off (an added server that had not
   * joined is only replaced); while the servers commit, the job cannot go on: returns why.
   */
  Optional<String> lost(int index) {
    if (phase == Phase.NONE) {
      return Optional.empty();
    }
    if (phase == Phase.JOINING && index >= current) {
      joined[index] = null; // its replacement joins in its place
      return Optional.empty();
    }
    if (phase == Phase.COMMIT) {
      return Optional.of("server " + index + " was lost while the servers committed layout " + change + " (" + target
          + " servers); which of its keys had moved cannot be told");
    }
    callOff("server " + index + " was lost");
    return Optional.empty();
  }

  private void record(int from, String outcome, String why, long keysMoved) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("layout", change);
    c.put("from", from);
    c.put("to", target);
    c.put("outcome", outcome);
    if (why != null) {
      c.put("why", why);
    }
    c.put("keysMoved", keysMoved);
    c.put("ms", clock.millis() - startedMs);
    changes.add(c);
  }

  /** The layout in force, the change under way, and the changes so far, for the status. */
  Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("layout", layout);
    out.put("servers", current);
    if (phase != Phase.NONE) {
      out.put("changing", Map.of("to", target, "phase", phase.name().toLowerCase(), "layout", change));
    }
    out.put("changes", List.copyOf(changes));
    return out;
  }
}
