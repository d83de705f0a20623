package dev.psyarn.am;

import dev.psyarn.ps.transport.RequestHandler.Reply;
import dev.psyarn.ps.wire.ControlMessages.FlexReply;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers the job wants and the work they share: how many workers are desired (flex grows or
 * shrinks it: new slots asked for, the highest retired), and, for apps that declare pieces, who
 * gets which piece. Event thread only.
 */
final class WorkerPool {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

  private final JobSpec spec;
  private final dev.psyarn.ps.api.ConfiguredApp<?, ?, ?> app;
  private final ContainerTable containers;
  private final RoleAllocator allocator;
  private final Launcher launcher;
  private final Clock clock;
  /** Hands out the work, for apps that declare pieces; null for the others. */
  private final PieceDealer pieces;
  private int desired;

  WorkerPool(JobSpec spec, dev.psyarn.ps.api.ConfiguredApp<?, ?, ?> app, ContainerTable containers, RoleAllocator allocator,
      Launcher launcher, Clock clock) {
    this.spec = spec;
    this.app = app;
    this.containers = containers;
    this.allocator = allocator;
    this.launcher = launcher;
    this.clock = clock;
    this.desired = spec.role(Role.WORKER).instances();
    dev.psyarn.ps.api.PieceLayout declared = spec.pieces();
    this.pieces = declared.any() ? new PieceDealer(declared) : null;
  }

  /** How many workers the job wants now. */
  int desired() {
    return desired;
  }

  /** Whether a worker slot of this index is still wanted. */
  boolean wanted(int index) {
    return index < desired;
  }

  /**
   * A worker asks for its next piece, having finished {@code finished}: answered now, or held
   * until a piece is free again (a lost worker's) or every piece is done. Returns whether a
   * piece was newly done.
   */
  boolean nextPiece(String containerId, int finished, Reply reply) {
    Optional<TrackedContainer> c = containers.byId(containerId);
    if (pieces == null) {
      reply.error("this job hands out no pieces: app " + app.name() + " gives each worker its own share");
    } else if (c.isEmpty() || c.get().role() != Role.WORKER || !containers.holdsSlot(c.get())) {
      reply.error(containerId + " is not a worker of this job (any more)");
    } else {
      return pieces.ask("worker/" + c.get().index(), finished, reply);
    }
    return false;
  }

  /** The pieces done, for the journal. */
  java.util.List<Integer> donePieces() {
    return pieces == null ? java.util.List.of() : pieces.done();
  }

  /**
   * Takes over an earlier attempt's flex and finished pieces ({@code desiredWorkers} 0: the
   * spec's count).
   */
  void restore(int desiredWorkers, java.util.List<Integer> donePieces) {
    if (desiredWorkers > 0) {
      desired = desiredWorkers;
    }
    if (pieces != null) {
      pieces.restore(donePieces);
    }
  }

  /** A worker's slot lost its holder: its unfinished piece goes to whoever asks next. */
  void lost(int index) {
    if (pieces != null) {
      pieces.release("worker/" + index);
    }
  }

  /**
   * Grows or shrinks the workers of a running job whose app hands out pieces; the caller checks
   * that the job runs.
   */
  void flex(String role, int instances, String by, Reply reply) {
    if (!Role.WORKER.specName().equals(role)) {
      reply.error("no role " + role + " to flex; roles: server, worker");
    } else if (pieces == null) {
      reply.error("app " + app.name() + " gives each worker its own share of the data; flex needs an app that "
          + "hands out pieces (sparse-lr with pieces: N, counter with pieces: true)");
    } else if (instances < 1 || instances > 10_000) {
      reply.error("instances must be from 1 to 10000, got " + instances);
    } else {
      LOG.info("{} flexes the workers from {} to {}", by, desired, instances);
      for (int i = desired; i < instances; i++) {
        allocator.replace(Role.WORKER, i);
      }
      for (int i = instances; i < desired; i++) {
        containers.retire(Role.WORKER, i).filter(c -> c.state().live()).ifPresent(c -> {
          containers.put(c.stopping(ExitReason.KILLED_BY_APPMASTER, "retired by flex", clock.millis()));
          launcher.stop(c.id());
        });
        lost(i);
      }
      desired = instances;
      reply.ok(new FlexReply(role, desired, containers.running(Role.WORKER)));
    }
  }

  /**
   * The work queue's figures for the status and report: {@code pieces.total}, {@code .done},
   * {@code .redone} (handed out again after their worker was lost or retired) and {@code .local}
   * (handed to a worker that had had their part); none for an app without pieces.
   */
  Map<String, Object> pieceFigures() {
    return pieces == null ? Map.of() : pieces.figures();
  }

  /** Desired and running containers by role, for the status ({@code servers}: the servers desired now). */
  Map<String, Map<String, Integer>> instances(int servers) {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    for (Role role : Role.values()) {
      int want = role == Role.WORKER ? desired : servers;
      out.put(role.specName(), Map.of("desired", want, "running", containers.running(role)));
    }
    return out;
  }
}
