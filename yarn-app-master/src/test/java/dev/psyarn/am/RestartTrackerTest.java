package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.JobSpecParser;
import dev.psyarn.spec.Role;
import org.apache.hadoop.yarn.api.records.ContainerExitStatus;
import org.junit.jupiter.api.Test;

/** Restart limits, the sliding window, backoff and classification, on a manual clock. */
class RestartTrackerTest {

  private final LifecycleFixture.ManualClock clock = new JobLifecycleTest.ManualClock();

  private RestartTracker tracker(String workerRestart) {
    JobSpec spec = JobSpecParser.parse("name: t\nroles: {server: {instances: 1}, worker: {instances: 2, restart: "
        + workerRestart + "}}\napp: {type: counter}\n");
    return new RestartTracker(spec, clock);
  }

  private static long delay(RestartTracker.Decision d) {
    return assertInstanceOf(RestartTracker.Restart.class, d).delayMs();
  }

  @Test
  void backoffDoublesWithEachCountedFailureUpToItsCap() {
    RestartTracker t = tracker("{maxRestarts: 10, backoffSeconds: 1, maxBackoffSeconds: 5}");
    assertEquals(1_000, delay(t.decide(Role.WORKER, ExitReason.APPLICATION_ERROR, true)));
    assertEquals(2_000, delay(t.decide(Role.WORKER, ExitReason.KILLED_BY_SIGNAL, true)));
    assertEquals(4_000, delay(t.decide(Role.WORKER, ExitReason.EXCEEDED_PHYSICAL_MEMORY, true)));
    assertEquals(5_000, delay(t.decide(Role.WORKER, ExitReason.HUNG, true)));
    assertEquals(5_000, delay(t.decide(Role.WORKER, ExitReason.APPLICATION_ERROR, true)));
    assertEquals(5, t.restarts().get("worker"));
  }

  @Test
  void failuresOutsideTheWindowNoLongerCount() {
    RestartTracker t = tracker("{maxRestarts: 2, windowSeconds: 60}");
    delay(t.decide(Role.WORKER, ExitReason.APPLICATION_ERROR, true));
    clock.millis += 30_000;
    delay(t.decide(Role.WORKER, ExitReason.APPLICATION_ERROR, true));
    clock.millis += 31_000; // the first failure is now 61 s old
    delay(t.decide(Role.WORKER, ExitReason.APPLICATION_ERROR, true));
    RestartTracker.GiveUp gaveUp = assertInstanceOf(RestartTracker.GiveUp.class,
        t.decide(Role.WORKER, ExitReason.APPLICATION_ERROR, true));
    assertTrue(gaveUp.why().contains("3 failures within 60 s, more than restart.maxRestarts (2)"), gaveUp.why());
  }

  @Test
  void faultsOfTheClusterAreReplacedAtOnceAndNeverCount() {
    RestartTracker t = tracker("{maxRestarts: 0}");
    for (ExitReason cluster : new ExitReason[] {ExitReason.PREEMPTED, ExitReason.NODE_LOST, ExitReason.DISKS_FAILED,
        ExitReason.PREEMPTED, ExitReason.KILLED_BY_SCHEDULER}) {
      assertEquals(0, delay(t.decide(Role.WORKER, cluster, true)), cluster.name());
    }
    assertInstanceOf(RestartTracker.GiveUp.class, t.decide(Role.WORKER, ExitReason.APPLICATION_ERROR, true),
        "maxRestarts 0: the first failure of the application's own fails the job");
    assertEquals(5, t.restarts().get("worker"));
  }

  @Test
  void exitZeroBeforeTheWorkIsDoneIsReplacedOnlyUnderAlways() {
    assertInstanceOf(RestartTracker.GiveUp.class,
        tracker("{policy: onFailure}").decide(Role.WORKER, ExitReason.EXITED_CLEANLY, true));
    assertEquals(0, delay(tracker("{policy: always}").decide(Role.WORKER, ExitReason.EXITED_CLEANLY, true)));
  }

  @Test
  void serversAndPolicyNeverGiveUpAtOnceSayingWhy() {
    RestartTracker t = tracker("{policy: never}");
    assertTrue(assertInstanceOf(RestartTracker.GiveUp.class, t.decide(Role.WORKER, ExitReason.PREEMPTED, true))
        .why().contains("roles.worker is never"));
    assertTrue(assertInstanceOf(RestartTracker.GiveUp.class, t.decide(Role.SERVER, ExitReason.NODE_LOST, true))
        .why().contains("servers can be restarted once the spec has replication or a checkpoint section"));
  }

  @Test
  void exitStatusesAreClassifiedWithAdviceWhereThereIsSomethingToDo() {
    assertEquals(ExitReason.PREEMPTED, ExitReason.classify(ContainerExitStatus.PREEMPTED, ""));
    assertEquals(ExitReason.NODE_LOST, ExitReason.classify(ContainerExitStatus.ABORTED, ""));
    assertEquals(ExitReason.DISKS_FAILED, ExitReason.classify(ContainerExitStatus.DISKS_FAILED, ""));
    assertEquals(ExitReason.EXCEEDED_PHYSICAL_MEMORY, ExitReason.classify(ContainerExitStatus.KILLED_EXCEEDED_PMEM, ""));
    assertEquals(ExitReason.EXCEEDED_VIRTUAL_MEMORY, ExitReason.classify(ContainerExitStatus.KILLED_EXCEEDED_VMEM, ""));
    assertEquals(ExitReason.EXCEEDED_PHYSICAL_MEMORY, ExitReason.classify(143,
        "Container [pid=1,containerID=c] is running 300MB beyond the 'PHYSICAL' memory limit."));
    assertEquals(ExitReason.KILLED_BY_RESOURCEMANAGER, ExitReason.classify(ContainerExitStatus.KILLED_BY_RESOURCEMANAGER, ""));
    assertEquals(ExitReason.KILLED_BY_SIGNAL, ExitReason.classify(137, ""));
    assertEquals(ExitReason.APPLICATION_ERROR, ExitReason.classify(1, ""));
    assertEquals(ExitReason.EXITED_CLEANLY, ExitReason.classify(0, ""));
    assertTrue(!ExitReason.PREEMPTED.applicationFault() && ExitReason.HUNG.applicationFault());
    assertEquals("worker 1 exceeded its physical memory limit (exit -104) in its 1024 MiB container: raise "
        + "roles.worker.memory", ExitReason.EXCEEDED_PHYSICAL_MEMORY.describe(Role.WORKER, 1, -104, 1024));
    assertEquals("worker 0 was killed by a signal (exit 137, SIGKILL)",
        ExitReason.KILLED_BY_SIGNAL.describe(Role.WORKER, 0, 137, 128));
  }
}
