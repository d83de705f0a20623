package dev.psyarn.am;

import static dev.psyarn.am.AmEvent.Type.CONTAINERS_ALLOCATED;
import static dev.psyarn.am.AmEvent.Type.CONTAINER_COMPLETED;
import static dev.psyarn.am.AmEvent.Type.CONTAINER_REGISTERED;
import static dev.psyarn.am.AmEvent.Type.CONTAINER_STARTED;
import static dev.psyarn.am.AmEvent.Type.CONTAINER_START_FAILED;
import static dev.psyarn.am.AmEvent.Type.FATAL_ERROR;
import static dev.psyarn.am.AmEvent.Type.KILL_REQUESTED;
import static dev.psyarn.am.AmEvent.Type.LIVENESS_CHECK;
import static dev.psyarn.am.AmEvent.Type.RESTART_DUE;
import static dev.psyarn.am.AmEvent.Type.HEADROOM_CHECK;
import static dev.psyarn.am.AmEvent.Type.PENDING_CHECK;
import static dev.psyarn.am.AmEvent.Type.PREPROCESSED;
import static dev.psyarn.am.AmEvent.Type.PREPROCESS_FAILED;
import static dev.psyarn.am.AmEvent.Type.SHUTDOWN_REQUESTED;
import static dev.psyarn.am.AmEvent.Type.STOP_TIMEOUT;
import static dev.psyarn.am.AmEvent.Type.WORKER_FINISHED;
import static dev.psyarn.am.AmState.FAILED;
import static dev.psyarn.am.AmState.FINISHING;
import static dev.psyarn.am.AmState.KILLED;
import static dev.psyarn.am.AmState.PREPROCESSING;
import static dev.psyarn.am.AmState.RUNNING;
import static dev.psyarn.am.AmState.STARTING;
import static dev.psyarn.am.AmState.SUCCEEDED;

import dev.psyarn.ps.api.ConfiguredApp;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import org.apache.hadoop.yarn.api.records.Container;
import org.apache.hadoop.yarn.api.records.ContainerStatus;
import org.apache.hadoop.yarn.state.InvalidStateTransitionException;
import org.apache.hadoop.yarn.state.StateMachine;
import org.apache.hadoop.yarn.state.StateMachineFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's lifecycle as a transition table over {@link AmState} and {@link AmEvent.Type}. Every
 * method runs on the AM's one event thread, so nothing here is locked; {@link #progress()} is the
 * only thing read from elsewhere. Reaching a final state completes {@link #outcome()} once.
 */
final class JobLifecycle {

  /** How the job ended. */
  record Outcome(AmState state, String diagnostics) {}

  /** Delivers an event later. */
  interface Timer {
    void schedule(AmEvent event, long delayMs);
  }

  /** Keeps what a next AM attempt needs to take the job over; see {@link AmJournal}. */
  interface Journal {
    void save(AmJournal.State state);

    Journal NONE = state -> { };
  }

  static final long SERVER_STOP_TIMEOUT_MS = 15_000;
  private static final Logger LOG = LoggerFactory.getLogger(JobLifecycle.class);

  private static final StateMachineFactory<JobLifecycle, AmState, AmEvent.Type, AmEvent> TABLE =
      new StateMachineFactory<JobLifecycle, AmState, AmEvent.Type, AmEvent>(STARTING)
          .addTransition(PREPROCESSING, EnumSet.of(STARTING, RUNNING), PREPROCESSED, JobLifecycle::onPreprocessed)
          .addTransition(PREPROCESSING, FAILED, EnumSet.of(PREPROCESS_FAILED, SHUTDOWN_REQUESTED, FATAL_ERROR),
              JobLifecycle::onFatal)
          .addTransition(PREPROCESSING, PREPROCESSING, STOP_TIMEOUT)
          // Servers (with an in-AM stage, workers too) may start while preprocessing runs (EarlyServers).
          .addTransition(PREPROCESSING, PREPROCESSING, HEADROOM_CHECK, JobLifecycle::onHeadroomCheck)
          .addTransition(PREPROCESSING, PREPROCESSING, PENDING_CHECK, JobLifecycle::onPendingCheck)
          .addTransition(PREPROCESSING, EnumSet.of(PREPROCESSING, FAILED), LIVENESS_CHECK, JobLifecycle::onLivenessCheck)
          .addTransition(PREPROCESSING, PREPROCESSING, RESTART_DUE, JobLifecycle::onRestartDue)
          .addTransition(PREPROCESSING, PREPROCESSING, CONTAINERS_ALLOCATED, JobLifecycle::onAllocated)
          .addTransition(PREPROCESSING, PREPROCESSING, CONTAINER_STARTED, JobLifecycle::onStarted)
          .addTransition(PREPROCESSING, EnumSet.of(PREPROCESSING), CONTAINER_REGISTERED, JobLifecycle::onRegistered)
          .addTransition(PREPROCESSING, EnumSet.of(PREPROCESSING, FAILED), CONTAINER_COMPLETED, JobLifecycle::onCompleted)
          .addTransition(PREPROCESSING, EnumSet.of(PREPROCESSING, FAILED), CONTAINER_START_FAILED,
              JobLifecycle::onStartFailed)
          .addTransition(STARTING, EnumSet.of(STARTING, FAILED), LIVENESS_CHECK, JobLifecycle::onLivenessCheck)
          .addTransition(RUNNING, EnumSet.of(RUNNING, FAILED), LIVENESS_CHECK, JobLifecycle::onLivenessCheck)
          .addTransition(FINISHING, FINISHING, EnumSet.of(LIVENESS_CHECK, RESTART_DUE, PENDING_CHECK, HEADROOM_CHECK))
          .addTransition(STARTING, STARTING, RESTART_DUE, JobLifecycle::onRestartDue)
          .addTransition(RUNNING, RUNNING, RESTART_DUE, JobLifecycle::onRestartDue)
          .addTransition(STARTING, STARTING, PENDING_CHECK, JobLifecycle::onPendingCheck)
          .addTransition(RUNNING, RUNNING, PENDING_CHECK, JobLifecycle::onPendingCheck)
          .addTransition(STARTING, STARTING, CONTAINERS_ALLOCATED, JobLifecycle::onAllocated)
          .addTransition(STARTING, STARTING, CONTAINER_STARTED, JobLifecycle::onStarted)
          .addTransition(STARTING, EnumSet.of(STARTING, RUNNING), CONTAINER_REGISTERED, JobLifecycle::onRegistered)
          .addTransition(STARTING, EnumSet.of(STARTING, FINISHING, FAILED), WORKER_FINISHED, JobLifecycle::onWorkerFinished)
          .addTransition(STARTING, EnumSet.of(STARTING, FAILED), CONTAINER_COMPLETED, JobLifecycle::onCompleted)
          .addTransition(STARTING, EnumSet.of(STARTING, FAILED), CONTAINER_START_FAILED, JobLifecycle::onStartFailed)
          .addTransition(STARTING, FAILED, EnumSet.of(SHUTDOWN_REQUESTED, FATAL_ERROR), JobLifecycle::onFatal)
          .addTransition(RUNNING, RUNNING, CONTAINERS_ALLOCATED, JobLifecycle::onAllocated)
          .addTransition(RUNNING, RUNNING, CONTAINER_STARTED, JobLifecycle::onStarted)
          .addTransition(RUNNING, EnumSet.of(RUNNING), CONTAINER_REGISTERED, JobLifecycle::onRegistered)
          .addTransition(RUNNING, EnumSet.of(RUNNING, FAILED), CONTAINER_START_FAILED, JobLifecycle::onStartFailed)
          .addTransition(RUNNING, EnumSet.of(RUNNING, FINISHING, FAILED), WORKER_FINISHED, JobLifecycle::onWorkerFinished)
          .addTransition(RUNNING, EnumSet.of(RUNNING, FAILED), CONTAINER_COMPLETED, JobLifecycle::onCompleted)
          .addTransition(RUNNING, FAILED, EnumSet.of(SHUTDOWN_REQUESTED, FATAL_ERROR), JobLifecycle::onFatal)
          .addTransition(FINISHING, FINISHING, CONTAINERS_ALLOCATED, JobLifecycle::onAllocated)
          .addTransition(FINISHING, FINISHING, EnumSet.of(CONTAINER_STARTED, WORKER_FINISHED, CONTAINER_START_FAILED))
          .addTransition(FINISHING, EnumSet.of(FINISHING), CONTAINER_REGISTERED, JobLifecycle::onRegistered)
          .addTransition(FINISHING, EnumSet.of(FINISHING, SUCCEEDED), CONTAINER_COMPLETED, JobLifecycle::onCompleted)
          .addTransition(FINISHING, SUCCEEDED, STOP_TIMEOUT, JobLifecycle::onStopTimeout)
          .addTransition(FINISHING, FAILED, EnumSet.of(SHUTDOWN_REQUESTED, FATAL_ERROR), JobLifecycle::onFatal)
          .addTransition(SUCCEEDED, SUCCEEDED, EnumSet.allOf(AmEvent.Type.class))
          .addTransition(FAILED, FAILED, EnumSet.allOf(AmEvent.Type.class))
          .addTransition(KILLED, KILLED, EnumSet.allOf(AmEvent.Type.class))
          .addTransition(PREPROCESSING, KILLED, KILL_REQUESTED, JobLifecycle::onKilled)
          .addTransition(STARTING, KILLED, KILL_REQUESTED, JobLifecycle::onKilled)
          .addTransition(RUNNING, KILLED, KILL_REQUESTED, JobLifecycle::onKilled)
          .addTransition(FINISHING, KILLED, KILL_REQUESTED, JobLifecycle::onKilled)
          .addTransition(STARTING, STARTING, HEADROOM_CHECK, JobLifecycle::onHeadroomCheck)
          .addTransition(STARTING, STARTING, STOP_TIMEOUT)
          .addTransition(RUNNING, RUNNING, EnumSet.of(STOP_TIMEOUT, HEADROOM_CHECK))
          .installTopology();

  private final JobSpec spec;
  private final ConfiguredApp<?, ?, ?> app;
  private final RoleAllocator allocator;
  private final Preprocessor preprocessor;
  private final Launcher launcher;
  private final Timer timer;
  private final Clock clock;
  private final StateMachine<AmState, AmEvent.Type, AmEvent> machine;
  private final ContainerTable containers;
  private final ClusterDirectory directory;
  /** The state an earlier AM attempt left, to take over from; null for the first attempt. */
  private final AmJournal.State earlier;
  private final Journal journal;
  private final LossPolicy losses;
  private final LivenessWatch liveness;
  private final WorkerResults results = new WorkerResults();
  private final WorkerPool workers;
  /** Grows and shrinks the servers (server flex). */
  private final ServerFlex servers;
  /** Containers lost, unable to start, overdue or not given. */
  private final ContainerFaults faults;
  /** The containers' and the owner's requests: heartbeats, pieces, barriers, flex, log levels. */
  private final ControlRequests requests;
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  private final Map<String, Long> timings = new LinkedHashMap<>();
  private final long submitTimeMs;
  /** Asks YARN for the containers and says what it has not given. */
  private final ContainerAsks asks;
  private final JobProgress progress;
  /** Containers given, started and registered. */
  private final ContainerArrivals arrivals;

  JobLifecycle(JobSpec spec, ConfiguredApp<?, ?, ?> app, RoleAllocator allocator, Launcher launcher, Timer timer,
      Clock clock, long submitTimeMs) {
    this(spec, app, null, allocator, launcher, timer, clock, submitTimeMs);
  }

  /** A lifecycle that first runs {@code preprocessor} when it is not null. */
  JobLifecycle(JobSpec spec, ConfiguredApp<?, ?, ?> app, Preprocessor preprocessor, RoleAllocator allocator, Launcher launcher,
      Timer timer, Clock clock, long submitTimeMs) {
    this(spec, app, preprocessor, allocator, launcher, timer, clock, submitTimeMs, null, Journal.NONE,
        new JobProgress(preprocessor != null));
  }

  /** A lifecycle that keeps its journal, and takes over an earlier attempt's {@code earlier} state (preprocessing done stays done). */
  JobLifecycle(JobSpec spec, ConfiguredApp<?, ?, ?> app, Preprocessor preprocessor, RoleAllocator allocator, Launcher launcher,
      Timer timer, Clock clock, long submitTimeMs, AmJournal.State earlier, Journal journal, JobProgress progress) {
    this.progress = progress;
    this.earlier = earlier;
    this.journal = journal;
    this.spec = spec;
    this.app = app;
    this.preprocessor = preprocessor;
    this.allocator = allocator;
    this.launcher = launcher;
    this.timer = timer;
    this.clock = clock;
    this.submitTimeMs = submitTimeMs;
    this.containers = new ContainerTable(spec);
    this.workers = new WorkerPool(spec, app, containers, allocator, launcher, clock);
    this.losses = new LossPolicy(spec, allocator, clock);
    this.liveness = new LivenessWatch(spec);
    boolean preprocessed = earlier != null && earlier.preprocess() != null;
    this.directory = new ClusterDirectory(spec.role(Role.SERVER).instances(), spec.role(Role.WORKER).instances(),
        spec.partitioning(), spec.serverState().replication());
    directory.holdData(preprocessor != null && !preprocessed); // workers started beside it wait for the shards
    this.servers = new ServerFlex(spec, containers, allocator, launcher, directory, clock, this::journal);
    this.faults = new ContainerFaults(spec, containers, losses, liveness, allocator, launcher, workers, servers,
        directory, timer, clock, this::state, this::finish, this::journal);
    this.requests = new ControlRequests(spec, containers, workers, directory, servers, this::state, this::journal,
        clock);
    this.machine = TABLE.make(this, preprocessor == null || preprocessed ? STARTING : PREPROCESSING);
    if (preprocessed && preprocessor != null) {
      preprocessor.restore(earlier.preprocess());
    }
    if (earlier != null) {
      workers.restore(earlier.desiredWorkers(), earlier.donePieces());
    }
    this.asks = new ContainerAsks(spec, allocator, timer, clock, liveness.intervalMs());
    this.arrivals = new ContainerArrivals(spec, containers, allocator, launcher, losses, workers, servers, directory,
        results, progress, clock, this::journal, this::mark);
  }

  /** Handles one event; called on the event thread only. */
  void handle(AmEvent event) {
    AmState before = machine.getCurrentState();
    try {
      AmState after = machine.doTransition(event.getType(), event);
      if (after != before) {
        LOG.info("{} → {} on {}", before, after, event.getType());
      }
    } catch (InvalidStateTransitionException e) {
      LOG.warn("ignored {} in state {}", event.getType(), before);
    } catch (RuntimeException e) {
      // A fault of the AM's own must end the job with its reason, never leave it hanging.
      LOG.error("the ApplicationMaster failed handling {} in state {}", event.getType(), before, e);
      if (!state().isFinal() && event.getType() != FATAL_ERROR) {
        handle(new AmEvent.Fatal(FATAL_ERROR, "the ApplicationMaster failed handling " + event.getType() + ": " + e));
      }
    }
  }

  /** The AM registered with the RM: the application is RUNNING as YARN sees it. */
  /** Asks before the AM registers when nothing is to be taken over: its first heartbeat carries them. */
  void beforeRegistering() {
    if (earlier == null && state() == STARTING) {
      asks.start();
    }
  }

  /**
   * The AM registered with the RM; {@code kept} are the containers YARN kept from earlier
   * attempts, which this attempt takes over when it has the journal that says what they are.
   */
  void amRegistered(List<Container> kept) {
    mark("submittedToRunningMs");
    if (earlier != null && state() == STARTING
        && earlier.slots().size() == spec.role(Role.SERVER).instances() + workers.desired()) {
      takeOver(kept);
    } else if (state() == PREPROCESSING) {
      preprocessor.start();
      if (preprocessor.earlyServers() != null) {
        timer.schedule(new AmEvent(HEADROOM_CHECK), EarlyServers.FIRST_CHECK_MS);
      }
    } else {
      asks.start();
    }
  }

  /**
   * Takes the job over from the earlier attempt: kept containers keep their slots and register
   * again (the servers' addresses are known at once); a slot whose container is gone is handled
   * as a container lost with its node; finished workers' results stand.
   */
  private void takeOver(List<Container> kept) {
    losses.restoreRestarts(earlier.restarts());
    List<AmEvent> then = new Takeover(containers, directory, allocator, losses, launcher).apply(earlier, kept, results,
        spec.role(Role.WORKER).instances(), clock.millis());
    timer.schedule(new AmEvent(LIVENESS_CHECK), liveness.intervalMs());
    then.forEach(this::handle);
  }

  /** Saves what a next attempt needs. */
  private void journal() {
    if (journal == Journal.NONE) {
      return;
    }
    Map<String, Object> pre = preprocessor == null || state() == PREPROCESSING ? null : preprocessor.status();
    journal.save(new AmJournal.State(pre, containers.slots(directory::serverPort), results.copy(),
        directory.released(), losses.restarts(), workers.desired(), workers.donePieces()));
  }

  private void onHeadroomCheck(AmEvent event) {
    if (state() == STARTING) {
      asks.askAhead();
    } else if (asks.serversEarly(preprocessor.earlyServers())) {
      mark("serversAskedMs");
    }
  }

  private AmState onLivenessCheck(AmEvent event) {
    return faults.livenessCheck();
  }

  private void onRestartDue(AmEvent event) {
    AmEvent.RestartDue due = (AmEvent.RestartDue) event;
    if (due.role == Role.WORKER ? !workers.wanted(due.index) : !servers.wanted(due.index)) {
      return; // the slot was retired by flex meanwhile
    }
    allocator.replace(due.role, due.index);
  }

  private void onPendingCheck(AmEvent event) {
    asks.pendingCheck();
  }

  /** What the job waits for, while it waits long; null otherwise. */
  String waiting() {
    return state().isFinal() ? null : asks.waiting();
  }

  /** Preprocessing's share of progress until it ends, from the running jobs; 0 to 1. */
  void preprocessProgress(float fraction) {
    if (state() == PREPROCESSING) {
      asks.preprocessProgress(fraction);
      progress.preprocessing(fraction);
    }
  }

  private AmState onPreprocessed(AmEvent event) {
    mark("preprocessedMs");
    LOG.info("preprocessing finished; asking for the containers not asked for yet");
    progress.preprocessed();
    journal();
    asks.start();
    directory.dataReady();
    return arrivals.runningOnceAllRegistered();
  }

  AmState state() {
    return machine.getCurrentState();
  }

  CompletableFuture<Outcome> outcome() {
    return outcome;
  }

  /** Progress for the RM, 0 to 1; read from the AMRM heartbeat thread. */
  float progress() {
    return progress.get();
  }

  ContainerTable containers() {
    return containers;
  }

  /** Where the containers' and the owner's requests are answered. */
  ControlRequests requests() {
    return requests;
  }

  ClusterDirectory directory() {
    return directory;
  }

  /** The app's metrics, and the AM's count of the pieces for an app that hands them out. */
  Map<String, Object> summary() {
    Map<String, Object> summary = new LinkedHashMap<>(results.summary());
    summary.putAll(workers.pieceFigures());
    Map<String, Object> layout = servers.status();
    if ((Integer) layout.get("layout") > 0 || layout.containsKey("changing")) {
      summary.put("serverLayout", layout); // the servers were flexed
    }
    return summary;
  }

  Map<String, Long> timings() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timings));
  }

  /** Ends the job from outside the table (the AM failed to start), once. */
  void abort(String diagnostics) {
    handle(new AmEvent.Fatal(FATAL_ERROR, diagnostics));
  }

  private void onAllocated(AmEvent event) {
    arrivals.allocated((AmEvent.Allocated) event);
  }

  private void onStarted(AmEvent event) {
    arrivals.started((AmEvent.ContainerEvent) event);
  }

  private AmState onRegistered(AmEvent event) {
    return arrivals.registered((AmEvent.Registered) event, state());
  }

  private AmState onWorkerFinished(AmEvent event) {
    AmEvent.WorkerFinished f = (AmEvent.WorkerFinished) event;
    TrackedContainer c = containers.byId(f.containerId).orElse(null);
    if (c == null || c.role() != Role.WORKER || !containers.holdsSlot(c)) {
      return state();
    }
    Map<String, Double> last = new LinkedHashMap<>(c.metrics()); // its heartbeats', with the final figures over them
    last.putAll(f.report.figures());
    containers.put(c.withState(ContainerState.FINISHED, clock.millis()).withMetrics(last));
    results.put(c.index(), f.report);
    journal();
    int wanted = workers.desired();
    progress.reported(results.countBelow(wanted), wanted);
    if (results.countBelow(wanted) < wanted) {
      return state();
    }
    Optional<String> wrong = results.combine(app);
    if (wrong.isPresent()) {
      return finish(FAILED, wrong.get());
    }
    LOG.info("every worker finished; stopping the servers. Results: {}", results.summary());
    progress.stopping();
    timer.schedule(new AmEvent(STOP_TIMEOUT), SERVER_STOP_TIMEOUT_MS);
    return FINISHING;
  }

  private AmState onCompleted(AmEvent event) {
    ContainerStatus status = ((AmEvent.Completed) event).status;
    Optional<TrackedContainer> known = containers.byId(status.getContainerId().toString());
    if (known.isEmpty() || known.get().state() == ContainerState.COMPLETED) {
      return state();
    }
    TrackedContainer before = known.get();
    ExitReason reason = before.state() == ContainerState.STOPPING ? before.reason()
        : ExitReason.classify(status.getExitStatus(), status.getDiagnostics());
    containers.put(before.completed(status.getExitStatus(), status.getDiagnostics(), reason, clock.millis()));
    boolean expected = state() == FINISHING || !containers.holdsSlot(before)
        || (before.role() == Role.WORKER && before.state() == ContainerState.FINISHED);
    if (!expected) {
      return faults.lost(before, reason, status);
    }
    // Done once every container has exited, so the report has each one's exit code (workers exit
    // right after they report; the stop timeout ends the wait for any that do not).
    if (state() == FINISHING && containers.allCompleted(Role.SERVER) && containers.allCompleted(Role.WORKER)) {
      return finish(SUCCEEDED, "all " + spec.role(Role.WORKER).instances() + " workers finished");
    }
    return state();
  }

  private AmState onStartFailed(AmEvent event) {
    return faults.couldNotStart((AmEvent.ContainerEvent) event);
  }

  /** Desired and running containers by role, for the status. */
  Map<String, Map<String, Integer>> instances() {
    return workers.instances(servers.desired());
  }

  /** The preprocessing stage's status, or null for a job without one. */
  Map<String, Object> preprocessStatus() {
    return preprocessor == null ? null : preprocessor.status();
  }

  /** Nodes the job no longer places containers on. */
  java.util.List<String> blacklistedNodes() {
    return losses.blacklisted();
  }

  /** Replacements asked for so far, by role (the report's {@code restarts}). */
  Map<String, Integer> restarts() {
    return losses.restarts();
  }

  private void onStopTimeout(AmEvent event) {
    finish(SUCCEEDED, "all workers finished; servers did not stop within "
        + SERVER_STOP_TIMEOUT_MS + " ms and are released");
  }

  /** Killed: every container still running is stopped now, not left for YARN to reap. */
  private void onKilled(AmEvent event) {
    String why = ((AmEvent.Fatal) event).diagnostics;
    stopAll("the job was killed");
    finish(KILLED, why);
  }

  /** Stops every container still running, now, rather than leaving them for YARN to reap. */
  private void stopAll(String why) {
    for (TrackedContainer c : containers.live()) {
      if (c.state() != ContainerState.STOPPING) {
        containers.put(c.stopping(ExitReason.KILLED_BY_APPMASTER, why, clock.millis()));
        launcher.stop(c.id());
      }
    }
  }

  private void onFatal(AmEvent event) {
    String diagnostics = event instanceof AmEvent.Fatal f ? f.diagnostics
        : event instanceof AmEvent.ContainerEvent c ? "container " + c.containerId + " could not start: " + c.detail
        : event.getType().toString();
    finish(FAILED, diagnostics);
  }

  private AmState finish(AmState state, String diagnostics) {
    if (state() == PREPROCESSING && preprocessor != null) {
      preprocessor.cancel();
      stopAll("the job ended while preprocessing ran"); // servers started early
    }
    mark("finishedMs");
    progress.done();
    directory.abandon("the job has ended: " + diagnostics);
    outcome.complete(new Outcome(state, diagnostics));
    return state;
  }

  private void mark(String timing) {
    timings.putIfAbsent(timing, clock.millis() - submitTimeMs);
  }
}
