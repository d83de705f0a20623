package dev.psyarn.am;

import dev.psyarn.ps.transport.RequestHandler.Reply;
import dev.psyarn.ps.wire.ControlMessages.Command;
import dev.psyarn.ps.wire.ControlMessages.HeartbeatReply;
import dev.psyarn.ps.wire.ControlMessages.LogLevel;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The requests a running job answers besides its transitions: the containers' heartbeats (what a
 * container should do next, a checkpoint clock for a server when they are paced by time, the log
 * levels the owner set), workers asking for pieces and arriving at barriers, and the owner's flex
 * and log levels. What a next AM attempt needs is journaled as it changes. Event thread only.
 */
final class ControlRequests {

  private final ContainerTable containers;
  private final WorkerPool workers;
  private final ClusterDirectory directory;
  private final ServerFlex servers;
  private final Supplier<AmState> state;
  private final Runnable journal;
  private final Clock clock;
  private final LogLevelRelay logLevels = new LogLevelRelay();
  /** Renewed delegation tokens, and the containers already given them. */
  private byte[] tokens;
  private final java.util.Set<String> givenTokens = new java.util.HashSet<>();
  /** Asks the servers for checkpoints every so many seconds; null unless the spec says so. */
  private final CheckpointPacer pacer;

  ControlRequests(JobSpec spec, ContainerTable containers, WorkerPool workers, ClusterDirectory directory,
      ServerFlex servers, Supplier<AmState> state, Runnable journal, Clock clock) {
    this.containers = containers;
    this.workers = workers;
    this.directory = directory;
    this.servers = servers;
    this.state = state;
    this.journal = journal;
    this.clock = clock;
    this.pacer = spec.serverState().everySeconds() > 0
        ? new CheckpointPacer(spec.serverState().everySeconds(), clock.millis()) : null;
  }

  /**
   * What a container should do next, in answer to its heartbeat; a running server is also asked
   * for a checkpoint when one is due by time.
   */
  HeartbeatReply heartbeat(String containerId, Map<String, Double> metrics) {
    Optional<TrackedContainer> container = containers.byId(containerId);
    container.ifPresent(c -> containers.put(c.state() == ContainerState.REGISTERED ? c.heard(metrics, clock.millis())
        : c.withMetrics(metrics)));
    if (container.isEmpty() || state.get().isFinal() || container.get().state() == ContainerState.STOPPING
        || !containers.holdsSlot(container.get())) {
      return new HeartbeatReply(Command.STOP);
    }
    if (container.get().role() == Role.SERVER && state.get() == AmState.FINISHING) {
      return new HeartbeatReply(Command.STOP);
    }
    int checkpointAt = container.get().role() == Role.SERVER && pacer != null && state.get() == AmState.RUNNING
        ? pacer.heartbeat(containerId, metrics, clock.millis()) : -1;
    servers.advance(); // with these figures, a change of the servers' layout may go on
    TrackedContainer now = containers.byId(containerId).orElseThrow();
    if (!containers.holdsSlot(now)) {
      return new HeartbeatReply(Command.STOP); // a server the change just retired
    }
    return new HeartbeatReply(Command.CONTINUE, checkpointAt, logLevels.take(containerId), servers.forContainer(now),
        tokens != null && givenTokens.add(containerId) ? tokens : null);
  }

  /**
   * The job's delegation tokens were renewed ({@link TokenRefresher}): each container gets them
   * with its next heartbeat, once.
   */
  void renewedTokens(byte[] encoded) {
    tokens = encoded;
    givenTokens.clear();
  }

  /** A worker asks for its next piece; see {@link WorkerPool#nextPiece}. */
  void nextPiece(String containerId, int finished, Reply reply) {
    if (workers.nextPiece(containerId, finished, reply)) {
      journal.run(); // a next attempt does not hand a done piece out again
    }
  }

  /** The owner sets a log level at run time in the AM and containers; see {@link LogLevelRelay}. */
  void setLogLevel(LogLevel request,
      Reply reply) {
    if (!LogLevelRelay.knownRole(request.role())) {
      reply.error("no role " + request.role() + "; roles: am, server, worker");
      return;
    }
    try {
      reply.ok(logLevels.set(request, containers.live()));
    } catch (IllegalArgumentException e) {
      reply.error(e.getMessage());
    }
  }

  /** Grows or shrinks the servers of a running job, or the workers of one whose app hands out pieces. */
  void flex(String role, int instances, String by, Reply reply) {
    if (state.get() != AmState.RUNNING) {
      reply.error("the job is " + state.get() + "; flex needs it RUNNING");
    } else if (Role.SERVER.specName().equals(role)) {
      servers.flex(instances, by, reply);
    } else {
      workers.flex(role, instances, by, reply);
    }
  }

  /** A worker arrives at a barrier; a replacement counts as its predecessor (by index). */
  void arrive(String barrier, String containerId, Reply reply) {
    Optional<TrackedContainer> c = containers.byId(containerId);
    if (c.isEmpty() || c.get().role() != Role.WORKER) {
      reply.error("only the job's workers take part in barriers, not " + containerId);
      return;
    }
    int passed = directory.released().size();
    directory.arrive(barrier, "worker/" + c.get().index(), reply);
    if (directory.released().size() != passed) {
      journal.run();
    }
  }
}
