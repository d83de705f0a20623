package dev.psyarn.am;

import static dev.psyarn.am.AmState.PREPROCESSING;
import static dev.psyarn.am.AmState.RUNNING;
import static dev.psyarn.am.AmState.STARTING;

import dev.psyarn.ps.wire.ControlMessages.Ack;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers coming up: given by YARN (launched into the slot they were asked for, or given back
 * when that slot is no longer wanted), started by their NodeManager, and registered with the AM
 * (refused when the slot or the state says no; a server's address into the directory, or into the
 * flex change that added it). Says when every container has registered, which starts the job.
 * Part of {@link JobLifecycle}: runs on the AM's event thread.
 */
final class ContainerArrivals {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerArrivals.class);

  private final JobSpec spec;
  private final ContainerTable containers;
  private final RoleAllocator allocator;
  private final Launcher launcher;
  private final LossPolicy losses;
  private final WorkerPool workers;
  private final ServerFlex servers;
  private final ClusterDirectory directory;
  private final WorkerResults results;
  private final JobProgress progress;
  private final Clock clock;
  private final Runnable journal;
  /** Records a timing of the job, once (see {@link JobLifecycle#timings()}). */
  private final Consumer<String> mark;

  ContainerArrivals(JobSpec spec, ContainerTable containers, RoleAllocator allocator, Launcher launcher,
      LossPolicy losses, WorkerPool workers, ServerFlex servers, ClusterDirectory directory, WorkerResults results,
      JobProgress progress, Clock clock, Runnable journal, Consumer<String> mark) {
    this.spec = spec;
    this.containers = containers;
    this.allocator = allocator;
    this.launcher = launcher;
    this.losses = losses;
    this.workers = workers;
    this.servers = servers;
    this.directory = directory;
    this.results = results;
    this.progress = progress;
    this.clock = clock;
    this.journal = journal;
    this.mark = mark;
  }

  /** YARN gave containers: each is launched into its slot, or given back when that slot is not wanted now. */
  void allocated(AmEvent.Allocated event) {
    for (RoleAllocator.Assignment a : allocator.allocated(event.containers)) {
      if (a.role() == Role.WORKER ? !workers.wanted(a.index()) : !servers.wanted(a.index())) {
        allocator.release(a);
        continue;
      }
      containers.allocated(a, clock.millis());
      losses.placed(a.container().getId().toString(), allocator.nodeName(a));
      launcher.launch(a);
    }
    journal.run();
  }

  /** The NodeManager started a container. */
  void started(AmEvent.ContainerEvent event) {
    containers.byId(event.containerId)
        .filter(c -> c.state() == ContainerState.ALLOCATED)
        .ifPresent(c -> containers.put(c.withState(ContainerState.STARTED, clock.millis())));
  }

  /**
   * A container registered in state {@code now}: accepted or refused (with the reason in its
   * answer); the state the job is in after it (RUNNING once every container of a starting job has).
   */
  AmState registered(AmEvent.Registered r, AmState now) {
    Optional<String> problem = containers.checkRegistration(r.containerId, r.role, r.index);
    // While RUNNING, only a replacement or a container added by flex registers: it holds its slot.
    if (problem.isPresent() || (now != STARTING && now != RUNNING && now != PREPROCESSING)) {
      String why = problem.orElse("registration is closed in state " + now);
      LOG.warn("refused registration of {}: {}", r.containerId, why);
      r.reply.error(why);
      return now;
    }
    TrackedContainer c = containers.byId(r.containerId).orElseThrow();
    containers.put(c.withState(ContainerState.REGISTERED, clock.millis()));
    if (c.role() == Role.SERVER && servers.joins(r.index)) {
      servers.joined(r.index, r.host, r.port); // added by flex: in the view once the change is done
    } else if (c.role() == Role.SERVER) {
      directory.serverRegistered(r.index, r.host, r.port);
    }
    r.reply.ok(new Ack());
    journal.run();
    if (c.role() == Role.SERVER && containers.live().stream()
        .filter(t -> t.role() == Role.SERVER && t.state() == ContainerState.REGISTERED).count()
        >= spec.role(Role.SERVER).instances()) {
      mark.accept("serversRegisteredMs");
    }
    if (now == RUNNING) {
      LOG.info("{} {} registered as {} on {} while the job runs (restart {})", c.role().specName(), c.index(),
          c.id(), c.host(), c.restarts());
    }
    return now == STARTING ? runningOnceAllRegistered() : now;
  }

  /**
   * A starting job: RUNNING once every container has registered (workers started beside
   * preprocessing may all have by the time it ends), STARTING until then.
   */
  AmState runningOnceAllRegistered() {
    int registered = containers.countHolders(ContainerState.REGISTERED, ContainerState.FINISHED)
        + containers.countExitedAfterReporting(results.indexes());
    progress.registered(registered, spec.totalContainers());
    if (registered == spec.totalContainers()) {
      mark.accept("allRegisteredMs");
      LOG.info("all {} containers registered", registered);
      return RUNNING;
    }
    return STARTING;
  }
}
