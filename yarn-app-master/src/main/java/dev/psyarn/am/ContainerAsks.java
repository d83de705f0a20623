package dev.psyarn.am;

import dev.psyarn.spec.JobSpec;
import java.time.Clock;
import org.apache.hadoop.yarn.api.records.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asking YARN for the job's containers: the servers (and, for a stage in the AM, the workers) while
 * preprocessing runs when the queue has room for them and for the preprocessing jobs
 * ({@link EarlyServers}), every role once the job may
 * start, and a status line naming what YARN has not given after a while, rather than a job left
 * pending silently. Starts the pending and liveness checks with the first ask. Part of
 * {@link JobLifecycle}: runs on the AM's event thread.
 */
final class ContainerAsks {

  /** How long containers may stay unallocated before the status says what the job waits for. */
  static final long PENDING_CHECK_MS = 30_000;
  private static final Logger LOG = LoggerFactory.getLogger(ContainerAsks.class);
  /** Looks for YARN's headroom this often, this many times, while it is not known ({@link RoleAllocator#askAhead}). */
  static final long AHEAD_CHECK_MS = 100;
  static final int AHEAD_CHECKS = 10;

  private final JobSpec spec;
  private final RoleAllocator allocator;
  private final JobLifecycle.Timer timer;
  private final Clock clock;
  private final long livenessIntervalMs;
  private long allocationStart;
  /** Whether the pending and liveness checks run (from the first container asked for). */
  private boolean checking;
  private int aheadChecks;
  /** The workers are to be asked for while preprocessing runs, at {@link #workersAt} of it. */
  private boolean workersLater;
  private float workersAt;
  /** What the job has been waiting for YARN to give, once that took long; null otherwise. */
  private volatile String waiting;

  ContainerAsks(JobSpec spec, RoleAllocator allocator, JobLifecycle.Timer timer, Clock clock, long livenessIntervalMs) {
    this.spec = spec;
    this.allocator = allocator;
    this.timer = timer;
    this.clock = clock;
    this.livenessIntervalMs = livenessIntervalMs;
    this.allocationStart = clock.millis();
  }

  /** Asks for every role (what is not asked for yet), the next ones ahead when the queue has room. */
  void start() {
    if (!allocator.started()) {
      allocationStart = clock.millis();
    }
    allocator.start();
    startChecks();
    lookAhead();
  }

  /** Asks for the next roles ahead if YARN's headroom, known by now, holds them (a timer's check). */
  void askAhead() {
    allocator.askAhead();
    lookAhead();
  }

  /** While the headroom is not known yet, looks again at the AM's next heartbeat or so. */
  private void lookAhead() {
    if (allocator.rolesHeld() && allocator.headroom() == null && aheadChecks++ < AHEAD_CHECKS) {
      timer.schedule(new AmEvent(AmEvent.Type.HEADROOM_CHECK), AHEAD_CHECK_MS);
    }
  }

  /**
   * Asks for the servers if the queue holds them and {@code early}'s reserve; else looks again
   * later. True when it asked.
   */
  boolean serversEarly(EarlyServers early) {
    if (allocator.started()) {
      return false;
    }
    Resource headroom = allocator.headroom();
    if (!early.fit(spec, headroom)) {
      LOG.debug("servers wait: headroom {} does not hold them and {} for preprocessing", headroom, early.reserve());
      timer.schedule(new AmEvent(AmEvent.Type.HEADROOM_CHECK), EarlyServers.RECHECK_MS);
      return false;
    }
    LOG.info("asking for the servers while preprocessing runs (the queue's headroom {} holds them and {} for "
        + "preprocessing){}", headroom, early.reserve(), early.workersToo() ? "; the workers at "
        + Math.round(early.workersAt() * 100) + "% of it" : "");
    allocationStart = clock.millis();
    allocator.startServers();
    workersLater = early.workersToo();
    workersAt = early.workersAt();
    startChecks();
    return true;
  }

  /** Preprocessing's progress (0 to 1): far enough along, the workers are asked for (they wait for the shards). */
  void preprocessProgress(float fraction) {
    if (workersLater && fraction >= workersAt) {
      workersLater = false;
      LOG.info("preprocessing is {}% done: asking for the workers (they wait for the shards)", Math.round(fraction * 100));
      start();
    }
  }

  private void startChecks() {
    if (!checking) {
      checking = true;
      timer.schedule(new AmEvent(AmEvent.Type.PENDING_CHECK), PENDING_CHECK_MS);
      timer.schedule(new AmEvent(AmEvent.Type.LIVENESS_CHECK), livenessIntervalMs);
    }
  }

  /**
   * Containers still not allocated after a while: the status says which and with what asks (a
   * full cluster, a label with no room).
   */
  void pendingCheck() {
    String missing = allocator.waitingFor();
    if (missing.isEmpty()) {
      waiting = null;
      return;
    }
    waiting = "waiting for YARN to allocate " + missing + " since " + (clock.millis() - allocationStart) / 1000
        + " s; the cluster may lack the room, the label or the nodes they need";
    LOG.warn(waiting);
    timer.schedule(new AmEvent(AmEvent.Type.PENDING_CHECK), PENDING_CHECK_MS);
  }

  /** What the job waits for, while it waits long; null otherwise. */
  String waiting() {
    return waiting;
  }
}
