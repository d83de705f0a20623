package dev.psyarn.am;

import static dev.psyarn.am.AmState.FAILED;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the job does when a container fails, hangs or is not given: a container lost or unable to
 * start is replaced or ends the job under its role's policy ({@link LossPolicy}); containers whose
 * heartbeats or registration are overdue are stopped (their exits then go through the same
 * policy); an ask YARN leaves unsatisfied past its role's allocation timeout ends the job. Part of
 * {@link JobLifecycle}: runs on the AM's event thread.
 */
final class ContainerFaults {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerFaults.class);

  private final JobSpec spec;
  private final ContainerTable containers;
  private final LossPolicy losses;
  private final LivenessWatch liveness;
  private final RoleAllocator allocator;
  private final Launcher launcher;
  private final WorkerPool workers;
  private final ServerFlex servers;
  private final ClusterDirectory directory;
  private final JobLifecycle.Timer timer;
  private final Clock clock;
  private final java.util.function.Supplier<AmState> state;
  /** Ends the job; returns its final state. */
  private final java.util.function.BiFunction<AmState, String, AmState> finish;
  private final Runnable journal;

  ContainerFaults(JobSpec spec, ContainerTable containers, LossPolicy losses, LivenessWatch liveness,
      RoleAllocator allocator, Launcher launcher, WorkerPool workers, ServerFlex servers, ClusterDirectory directory,
      JobLifecycle.Timer timer, Clock clock, java.util.function.Supplier<AmState> state,
      java.util.function.BiFunction<AmState, String, AmState> finish, Runnable journal) {
    this.spec = spec;
    this.containers = containers;
    this.losses = losses;
    this.liveness = liveness;
    this.allocator = allocator;
    this.launcher = launcher;
    this.workers = workers;
    this.servers = servers;
    this.directory = directory;
    this.timer = timer;
    this.clock = clock;
    this.state = state;
    this.finish = finish;
    this.journal = journal;
  }

  /**
   * Stops the containers whose heartbeats or registration are overdue, and fails the job when
   * YARN has left an ask unsatisfied for longer than its role's allocation timeout.
   */
  AmState livenessCheck() {
    long now = clock.millis();
    for (LivenessWatch.Overdue o : liveness.overdue(containers.live(), now)) {
      String what = o.container().role().specName() + " " + o.container().index() + " (" + o.container().id()
          + " on " + o.container().host() + ")";
      LOG.warn("stopping {}: {}", what, o.detail());
      containers.put(o.container().stopping(o.reason(), o.detail(), now));
      launcher.stop(o.container().id());
    }
    for (Role role : Role.values()) {
      long waited = allocator.waitingMs(role);
      long limit = spec.role(role).liveness().allocationTimeoutMs();
      if (waited > limit) {
        return finish.apply(FAILED, "YARN did not allocate " + allocator.waitingFor() + " within " + limit / 1000
            + " s (roles." + role.specName() + ".liveness.allocationTimeoutSeconds); the cluster may lack the room, "
            + "the label or the nodes they need");
      }
    }
    timer.schedule(new AmEvent(AmEvent.Type.LIVENESS_CHECK), liveness.intervalMs());
    return state.get();
  }

  /** A container that held its slot ended before the job was done: replace it, or fail the job. */
  AmState lost(TrackedContainer c, ExitReason reason, ContainerStatus status) {
    return act(losses.lost(c, reason, status.getExitStatus(), status.getDiagnostics(),
        status.getContainerId().getApplicationAttemptId().getApplicationId().toString()), c);
  }

  /** A container's NodeManager could not start it: a failure of that container, under its role's policy. */
  AmState couldNotStart(AmEvent.ContainerEvent e) {
    Optional<TrackedContainer> known = containers.byId(e.containerId);
    if (known.isEmpty() || !containers.holdsSlot(known.get())) {
      return state.get();
    }
    TrackedContainer c = known.get();
    containers.put(c.completed(-1, "could not start: " + e.detail, ExitReason.APPLICATION_ERROR, clock.millis()));
    return act(losses.couldNotStart(c, e.detail), c);
  }

  private AmState act(LossPolicy.Verdict verdict, TrackedContainer c) {
    if (c.role() == Role.WORKER) {
      workers.lost(c.index());
    } else {
      // Workers that lost it wait for the view that names its replacement, or, with replication,
      // go on at once with the next holder of its range.
      Optional<String> midChange = servers.lost(c.index());
      if (midChange.isPresent()) {
        return finish.apply(FAILED, midChange.get());
      }
      directory.serverLost(c.index());
      List<Integer> gone = directory.rangesWithoutHolder();
      int copies = spec.serverState().replication();
      if (copies > 0 && !gone.isEmpty() && !spec.serverState().checkpoints()) {
        return finish.apply(FAILED, "key ranges " + gone + " lost every server that held them (replication " + copies
            + ": each range is on " + (copies + 1) + " servers) and there is no checkpoint to restore them from; "
            + "the last lost: server " + c.index() + " (" + c.id() + " on " + c.host() + ")");
      }
    }
    if (verdict instanceof LossPolicy.Replace replace) {
      LOG.warn("{}; asking for a replacement in {} ms", replace.what(), replace.delayMs());
      timer.schedule(new AmEvent.RestartDue(c.role(), c.index()), replace.delayMs());
      journal.run();
      return state.get();
    }
    return finish.apply(FAILED, ((LossPolicy.Fail) verdict).diagnostics());
  }
}
