package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.transport.RequestHandler;
import dev.psyarn.ps.wire.ControlMessages.ClusterView;
import dev.psyarn.ps.wire.ControlMessages.Command;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.JobSpecParser;
import dev.psyarn.spec.Role;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The AM's lifecycle driven by events, with a fake scheduler, launcher, timer and clock. */
class JobLifecycleTest extends LifecycleFixture {

  @Test
  void aJobThatWorksGoesThroughEveryStateToSucceeded() {
    assertEquals(AmState.STARTING, life.state());
    RecordingReply early = new RecordingReply();
    life.directory().requestView(-1, early);
    allRunning();
    assertEquals(4, launched.size());
    assertEquals(AmState.RUNNING, life.state());
    ClusterView view = assertInstanceOf(ClusterView.class, early.ok, "a worker waiting for the view is answered");
    assertEquals(2, view.servers().length);
    assertEquals("consistent-hash", view.partitioner());
    assertEquals(128, view.virtualNodes());
    assertEquals(Command.CONTINUE, life.requests().heartbeat(Containers.id(1).toString(), Map.of("keys", 5.0)).command());

    workerFinished(3, 100);
    assertEquals(AmState.RUNNING, life.state());
    workerFinished(4, 100);
    assertEquals(AmState.FINISHING, life.state());
    assertEquals(1, stopTimeouts().size(), "a stop timeout is armed");
    assertEquals(Command.STOP, life.requests().heartbeat(Containers.id(1).toString(), Map.of()).command());
    assertEquals(Command.CONTINUE, life.requests().heartbeat(Containers.id(3).toString(), Map.of()).command());

    life.handle(new AmEvent.Completed(Containers.exited(3, 0, "")));
    life.handle(new AmEvent.Completed(Containers.exited(1, 0, "")));
    life.handle(new AmEvent.Completed(Containers.exited(2, 0, "")));
    assertFalse(life.outcome().isDone(), "worker 4 has not exited yet: its exit code belongs in the report");
    clock.millis += 700;
    life.handle(new AmEvent.Completed(Containers.exited(4, 0, "")));
    assertEquals(AmState.SUCCEEDED, life.state());
    assertEquals("all 2 workers finished", life.outcome().join().diagnostics());
    assertEquals(0L, life.summary().get("mismatches"));
    assertEquals(1200L, life.timings().get("finishedMs"));
    assertEquals(1f, life.progress());
  }

  @Test
  void aWorkerThatExitsNonZeroUnderPolicyNeverFailsTheJobNamingItsContainerHostAndError() {
    JobSpec never = JobSpecParser.parse("""
        name: t
        roles: {server: {instances: 2}, worker: {instances: 2, restart: {policy: never}}}
        app: {type: counter}
        """);
    life = new JobLifecycle(never, never.app(), new RoleAllocator(never, scheduler), launched::add,
        (event, delay) -> scheduled.add(event), clock, clock.millis() - 500);
    life.amRegistered(java.util.List.of());
    allRunning();
    life.handle(new AmEvent.Completed(Containers.exited(4, 1,
        "Exception from container-launch.\njava.lang.IllegalStateException: boom\n\tat x.Y.z(Y.java:1)\n")));
    assertEquals(AmState.FAILED, life.state());
    String diagnostics = life.outcome().join().diagnostics();
    assertTrue(diagnostics.startsWith("worker 1 failed (exit 1) (" + Containers.id(4) + " on node0); "
        + "the restart policy of roles.worker is never."), diagnostics);
    assertTrue(diagnostics.contains("Last error: java.lang.IllegalStateException: boom."), diagnostics);
    assertTrue(diagnostics.contains("yarn logs -applicationId " + Containers.ATTEMPT.getApplicationId()), diagnostics);
  }

  @Test
  void aServerThatExitsWhileWorkersRunFailsTheJobEvenWithCodeZero() {
    allRunning();
    life.handle(new AmEvent.Completed(Containers.exited(2, 0, "")));
    assertEquals(AmState.FAILED, life.state());
    String diagnostics = life.outcome().join().diagnostics();
    assertTrue(diagnostics.startsWith("server 1 exited with code 0 (" + Containers.id(2) + " on node0)"), diagnostics);
    assertTrue(diagnostics.contains("servers can be restarted once the spec has replication or a checkpoint section"), diagnostics);
  }

  @Test
  void wrongResultsFailTheJob() {
    allRunning();
    workerFinished(3, 100);
    workerFinished(4, 99);
    assertEquals(AmState.FAILED, life.state());
    assertTrue(life.outcome().join().diagnostics().contains("counter totals wrong"));
  }

  @Test
  void registrationsThatDoNotMatchWhatWasLaunchedAreRefused() {
    life.handle(new AmEvent.Allocated(List.of(Containers.of(1, Role.SERVER))));
    assertNotNull(register(1, Role.WORKER, 0).error);
    assertNotNull(register(99, Role.SERVER, 0).error);
    assertNull(register(1, Role.SERVER, 0).error);
    assertTrue(register(1, Role.SERVER, 0).error.contains("registered twice"));
    assertEquals(AmState.STARTING, life.state());
  }

  @Test
  void serversThatDoNotStopInTimeAreReleasedAndTheJobStillSucceeds() {
    allRunning();
    workerFinished(3, 100);
    workerFinished(4, 100);
    life.handle(stopTimeouts().get(0));
    assertEquals(AmState.SUCCEEDED, life.state());
    assertTrue(life.outcome().join().diagnostics().contains("did not stop"));
  }

  @Test
  void aContainerThatCannotStartFailsTheJobAndLaterEventsAreIgnored() {
    life.handle(new AmEvent.Allocated(List.of(Containers.of(1, Role.SERVER))));
    life.handle(new AmEvent.ContainerEvent(AmEvent.Type.CONTAINER_START_FAILED, Containers.id(1).toString(), "no disk"));
    assertEquals(AmState.FAILED, life.state());
    assertTrue(life.outcome().join().diagnostics().contains("could not start: no disk"));
    life.handle(new AmEvent.Completed(Containers.exited(1, 0, "")));
    assertEquals(AmState.FAILED, life.state());
    assertEquals(Command.STOP, life.requests().heartbeat(Containers.id(1).toString(), Map.of()).command());
  }

  @Test
  void barriersReleaseWhenEveryWorkerArrives() {
    ClusterDirectory directory = new ClusterDirectory(1, 2, dev.psyarn.spec.Partitioning.DEFAULT);
    RecordingReply a = new RecordingReply();
    RecordingReply b = new RecordingReply();
    directory.arrive("x", "w0", a);
    directory.arrive("x", "w0", new RecordingReply());
    assertNull(a.ok, "the same worker twice is still one arrival");
    directory.arrive("x", "w1", b);
    assertNotNull(a.ok);
    assertNotNull(b.ok);
    RecordingReply late = new RecordingReply();
    directory.arrive("x", "w1", late);
    assertNotNull(late.ok, "a replacement arriving at a barrier its predecessor passed goes through");
    RecordingReply next = new RecordingReply();
    directory.arrive("y", "w1", next);
    assertNull(next.ok, "a new barrier still waits for every worker");
  }

  @Test
  void aJobThatStartsAtOnceAsksBeforeTheAmRegistersAndNotAgainAfter() {
    RoleAllocatorTest.FakeScheduler fresh = new RoleAllocatorTest.FakeScheduler();
    JobLifecycle life = new JobLifecycle(SPEC, SPEC.app(), new RoleAllocator(SPEC, fresh), launched::add,
        (event, delay) -> scheduled.add(event), clock, clock.millis() - 500);
    life.beforeRegistering();
    assertEquals(2, fresh.requested.size(), "the servers, for the first heartbeat after registering to carry");
    assertNull(life.timings().get("submittedToRunningMs"), "not registered yet");
    life.amRegistered(List.of());
    assertEquals(2, fresh.requested.size(), "nothing asked for twice");
    assertEquals(500L, life.timings().get("submittedToRunningMs"));

    RoleAllocatorTest.FakeScheduler other = new RoleAllocatorTest.FakeScheduler();
    JobLifecycle pre = new JobLifecycle(SPEC, SPEC.app(), () -> { }, new RoleAllocator(SPEC, other),
        launched::add, (event, delay) -> scheduled.add(event), clock, clock.millis());
    pre.beforeRegistering();
    assertTrue(other.requested.isEmpty(), "a job that preprocesses first asks for nothing before registering");
  }

  @Test
  void preprocessingComesFirstAndItsFailureEndsTheJobBeforeAnyContainer() {
    int[] started = {0};
    RoleAllocatorTest.FakeScheduler fresh = new RoleAllocatorTest.FakeScheduler();
    JobLifecycle pre = new JobLifecycle(SPEC, SPEC.app(), () -> started[0]++, new RoleAllocator(SPEC, fresh),
        launched::add, (event, delay) -> scheduled.add(event), clock, clock.millis() - 500);
    assertEquals(AmState.PREPROCESSING, pre.state());
    pre.amRegistered(java.util.List.of());
    assertEquals(1, started[0]);
    assertTrue(fresh.requested.isEmpty(), "no container is asked for while preprocessing");
    pre.preprocessProgress(0.5f);
    assertEquals(0.15f, pre.progress(), 1e-6);
    pre.handle(new AmEvent(AmEvent.Type.PREPROCESSED));
    assertEquals(AmState.STARTING, pre.state());
    assertFalse(fresh.requested.isEmpty(), "containers are asked for once preprocessing succeeded");
    assertEquals(500L, pre.timings().get("preprocessedMs"));

    JobLifecycle failing = new JobLifecycle(SPEC, SPEC.app(), () -> { }, new RoleAllocator(SPEC, scheduler),
        launched::add, (event, delay) -> scheduled.add(event), clock, clock.millis());
    failing.amRegistered(java.util.List.of());
    failing.handle(new AmEvent.Fatal(AmEvent.Type.PREPROCESS_FAILED, "preprocessing failed: job_1_0002 (stats) ..."));
    assertEquals(AmState.FAILED, failing.state());
    assertEquals("preprocessing failed: job_1_0002 (stats) ...", failing.outcome().join().diagnostics());
  }

  @Test
  void serversStartWhilePreprocessingRunsOnceTheQueueHoldsThemAndThePreprocessingJobsWorkersWaitForTheShards() {
    // Servers of 512 MB (2 of them) and a reserve of 1024 MB + 2 vcores for MapReduce's AM and a task.
    EarlyServers early = new EarlyServers(org.apache.hadoop.yarn.api.records.Resource.newInstance(1024, 2), 256);
    int[] started = {0};
    Preprocessor stage = new Preprocessor() {
      @Override
      public void start() {
        started[0]++;
      }

      @Override
      public EarlyServers earlyServers() {
        return early;
      }
    };
    RoleAllocatorTest.FakeScheduler queue = new RoleAllocatorTest.FakeScheduler();
    List<AmEvent> timers = new ArrayList<>();
    JobLifecycle pre = new JobLifecycle(SPEC, SPEC.app(), stage, new RoleAllocator(SPEC, queue), launcher,
        (event, delay) -> timers.add(event), clock, clock.millis() - 500);
    pre.amRegistered(java.util.List.of());
    assertEquals(1, started[0]);
    java.util.function.Supplier<AmEvent> check = () -> timers.stream()
        .filter(e -> e.getType() == AmEvent.Type.HEADROOM_CHECK).reduce((a, b) -> b).orElseThrow();
    pre.handle(check.get());
    assertTrue(queue.requested.isEmpty(), "headroom not known yet: nothing asked for");
    queue.headroom = org.apache.hadoop.yarn.api.records.Resource.newInstance(2047, 8);
    pre.handle(check.get());
    assertTrue(queue.requested.isEmpty(), "2 × 512 + 1024 MB do not fit in 2047: the preprocessing jobs come first");
    queue.headroom = org.apache.hadoop.yarn.api.records.Resource.newInstance(2048, 3);
    pre.handle(check.get());
    assertTrue(queue.requested.isEmpty(), "2 + 2 vcores do not fit in 3");
    assertEquals(4, timers.stream().filter(e -> e.getType() == AmEvent.Type.HEADROOM_CHECK).count(), "looked again each time");
    queue.headroom = org.apache.hadoop.yarn.api.records.Resource.newInstance(2048, 4);
    pre.handle(check.get());
    assertEquals(2, queue.requested.size(), "the servers, and not the workers");
    clock.millis += 300;
    assertTrue(queue.requested.stream().allMatch(r -> r.getAllocationRequestId() == RoleAllocator.allocationRequestId(Role.SERVER)));

    pre.handle(new AmEvent.Allocated(List.of(Containers.of(1, Role.SERVER), Containers.of(2, Role.SERVER))));
    assertEquals(2, launched.size());
    for (int s = 0; s < 2; s++) {
      RecordingReply reply = new RecordingReply();
      pre.handle(new AmEvent.Registered(Containers.id(s + 1).toString(), "server", s, "node" + s, 9000 + s, reply));
      assertNull(reply.error);
    }
    assertEquals(AmState.PREPROCESSING, pre.state(), "registered servers do not end preprocessing");
    assertEquals(2, queue.requested.size(), "workers wait for the shards");
    clock.millis += 700;
    pre.handle(new AmEvent(AmEvent.Type.PREPROCESSED));
    assertTrue(pre.timings().get("serversAskedMs") < pre.timings().get("serversRegisteredMs")
        && pre.timings().get("serversRegisteredMs") < pre.timings().get("preprocessedMs"), pre.timings().toString());
    assertEquals(4, queue.requested.size(), "the workers, once the shards are written");
    assertEquals(1, timers.stream().filter(e -> e.getType() == AmEvent.Type.LIVENESS_CHECK).count(),
        "one liveness check running, not one for each start");
    pre.handle(new AmEvent.Allocated(List.of(Containers.of(3, Role.WORKER), Containers.of(4, Role.WORKER))));
    for (int w = 0; w < 2; w++) {
      RecordingReply reply = new RecordingReply();
      pre.handle(new AmEvent.Registered(Containers.id(w + 3).toString(), "worker", w, "node" + w, 0, reply));
    }
    assertEquals(AmState.RUNNING, pre.state());
  }

  /**
   * A stage in the AM needs no container: the workers are asked for while it runs, register
   * while preprocessing runs, and wait at the data gate; the shards written, they go on and the job
   * runs at once (no container left to register).
   */
  @Test
  void withTheStageInTheAmWorkersStartBesideItAndWaitAtTheDataGateUntilTheShardsAreWritten() {
    Preprocessor stage = new Preprocessor() {
      @Override
      public void start() {
      }

      @Override
      public EarlyServers earlyServers() {
        return new EarlyServers(org.apache.hadoop.yarn.api.records.Resource.newInstance(0, 0), 256);
      }
    };
    RoleAllocatorTest.FakeScheduler queue = new RoleAllocatorTest.FakeScheduler();
    List<AmEvent> timers = new ArrayList<>();
    JobLifecycle pre = new JobLifecycle(SPEC, SPEC.app(), stage, new RoleAllocator(SPEC, queue), launcher,
        (event, delay) -> timers.add(event), clock, clock.millis() - 500);
    pre.amRegistered(java.util.List.of());
    queue.headroom = org.apache.hadoop.yarn.api.records.Resource.newInstance(8192, 8);
    pre.handle(timers.stream().filter(e -> e.getType() == AmEvent.Type.HEADROOM_CHECK).reduce((a, b) -> b).orElseThrow());
    assertEquals(2, queue.requested.size(), "the servers while preprocessing runs");
    pre.preprocessProgress(0.85f);
    assertEquals(2, queue.requested.size(), "the workers wait until the stage is further along");
    pre.preprocessProgress(EarlyServers.WORKERS_AT);
    assertEquals(4, queue.requested.size(), "the workers once preprocessing is far along");
    pre.preprocessProgress(0.95f);
    assertEquals(4, queue.requested.size(), "asked for once");
    pre.handle(new AmEvent.Allocated(List.of(Containers.of(1, Role.SERVER), Containers.of(2, Role.SERVER),
        Containers.of(3, Role.WORKER), Containers.of(4, Role.WORKER))));
    assertEquals(4, launched.size());
    List<RecordingReply> gate = new ArrayList<>();
    for (int c = 1; c <= 4; c++) {
      boolean server = c <= 2;
      RecordingReply reply = new RecordingReply();
      pre.handle(new AmEvent.Registered(Containers.id(c).toString(), server ? "server" : "worker", server ? c - 1 : c - 3,
          "node", server ? 9000 + c : 0, reply));
      assertNull(reply.error, "registered while preprocessing runs");
      if (!server) {
        RecordingReply waiting = new RecordingReply();
        pre.requests().arrive(dev.psyarn.ps.container.ControlClient.DATA_READY, Containers.id(c).toString(), waiting);
        gate.add(waiting);
      }
    }
    assertEquals(AmState.PREPROCESSING, pre.state(), "every container registered, the shards not written yet");
    assertTrue(gate.stream().allMatch(r -> r.ok == null && r.error == null), "the workers wait at the data gate");
    clock.millis += 700;
    pre.handle(new AmEvent(AmEvent.Type.PREPROCESSED));
    assertEquals(AmState.RUNNING, pre.state(), "nothing left to register: the job runs");
    assertTrue(gate.stream().allMatch(r -> r.ok != null), "the workers go on");
    assertEquals(pre.timings().get("preprocessedMs"), pre.timings().get("allRegisteredMs"));
    assertEquals(4, queue.requested.size(), "nothing asked for again");
    RecordingReply late = new RecordingReply();
    pre.requests().arrive(dev.psyarn.ps.container.ControlClient.DATA_READY, Containers.id(4).toString(), late);
    assertTrue(late.ok != null, "a worker (a replacement) that comes later passes at once");
  }

  @Test
  void aServerLostWhilePreprocessingRunsIsReplacedOrEndsTheJobUnderItsPolicy() {
    JobSpec replaced = dev.psyarn.spec.JobSpecParser.parse("""
        name: t
        roles: {server: {instances: 2, restart: {policy: onFailure}}, worker: {instances: 2}}
        app: {type: counter}
        replication: 1
        """);
    for (JobSpec spec : List.of(replaced, SPEC)) {
      RoleAllocatorTest.FakeScheduler queue = new RoleAllocatorTest.FakeScheduler();
      queue.headroom = org.apache.hadoop.yarn.api.records.Resource.newInstance(8192, 8);
      List<AmEvent> timers = new ArrayList<>();
      int[] cancelled = {0};
      JobLifecycle pre = new JobLifecycle(spec, spec.app(), new Preprocessor() {
        @Override
        public void start() {
        }

        @Override
        public void cancel() {
          cancelled[0]++;
        }

        @Override
        public EarlyServers earlyServers() {
          return new EarlyServers(org.apache.hadoop.yarn.api.records.Resource.newInstance(1024, 1), 0);
        }
      }, new RoleAllocator(spec, queue), launcher, (event, delay) -> timers.add(event), clock, clock.millis());
      pre.amRegistered(java.util.List.of());
      pre.handle(new AmEvent(AmEvent.Type.HEADROOM_CHECK));
      pre.handle(new AmEvent.Allocated(List.of(Containers.of(1, Role.SERVER), Containers.of(2, Role.SERVER))));
      pre.handle(new AmEvent.Completed(Containers.exited(1, 137, "Container killed on request. Exit code is 137")));
      if (spec == SPEC) {
        assertEquals(AmState.FAILED, pre.state(), "servers are not restarted by default: their state is gone");
        assertEquals(1, cancelled[0], "the preprocessing jobs are killed with the job");
        assertTrue(stopped.contains(Containers.id(2).toString()), "the other server is stopped with the job: " + stopped);
        continue;
      }
      assertEquals(AmState.PREPROCESSING, pre.state());
      AmEvent due = timers.stream().filter(e -> e.getType() == AmEvent.Type.RESTART_DUE).findFirst().orElseThrow();
      pre.handle(due);
      assertEquals(3, queue.requested.size(), "a replacement for server 0, still no workers");
    }
  }

  @Test
  void containersYarnDoesNotGiveAreNamedInTheStatusNotLeftPendingSilently() {
    AmEvent check = scheduled.stream().filter(e -> e.getType() == AmEvent.Type.PENDING_CHECK).findFirst().orElseThrow();
    clock.millis += 30_000;
    life.handle(check);
    assertTrue(life.waiting().contains("2 of 2 server containers"), life.waiting());
    assertTrue(life.waiting().contains("since 30 s"), life.waiting());
    allRunning();
    life.handle(new AmEvent(AmEvent.Type.PENDING_CHECK));
    assertNull(life.waiting(), "all allocated: nothing to wait for");
  }
}
