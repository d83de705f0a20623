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

/**
 * The lifecycle when things go wrong and come back: replacements in their slots, hung workers,
 * allocation timeouts, restart limits, blacklisting, a fault of the AM's own, a new AM attempt
 * taking over, and flex on pieces. The same fakes and manual clock as {@link JobLifecycleTest}.
 */
class JobLifecycleRecoveryTest extends LifecycleFixture {

  @Test
  void aKilledWorkerIsReplacedInItsSlotAfterItsBackoffAndTheJobSucceeds() {
    allRunning();
    life.handle(new AmEvent.Completed(Containers.exited(4, 137, "Container killed on request. Exit code is 137")));
    assertEquals(AmState.RUNNING, life.state(), "a worker's failure is not the job's under onFailure");
    AmEvent.RestartDue due = (AmEvent.RestartDue) scheduled.stream()
        .filter(e -> e.getType() == AmEvent.Type.RESTART_DUE).findFirst().orElseThrow();
    assertEquals(Role.WORKER, due.role);
    assertEquals(1, due.index);
    int asked = scheduler.requested.size();
    life.handle(due);
    assertEquals(asked + 1, scheduler.requested.size(), "one replacement is asked for");
    long requestId = scheduler.requested.get(asked).getAllocationRequestId();
    assertTrue(requestId >= RoleAllocator.FIRST_REPLACEMENT_ID, "its own allocation request: " + requestId);

    life.handle(new AmEvent.Allocated(List.of(Containers.forRequest(5, requestId))));
    RoleAllocator.Assignment replacement = launched.get(launched.size() - 1);
    assertEquals(Role.WORKER, replacement.role());
    assertEquals(1, replacement.index(), "the replacement keeps its predecessor's index");
    assertNull(register(5, Role.WORKER, 1).error, "a replacement registers while the job runs");
    assertNotNull(register(4, Role.WORKER, 1).error, "the replaced container cannot come back");
    assertEquals(Command.STOP, life.requests().heartbeat(Containers.id(4).toString(), Map.of()).command());

    TrackedContainer dead = life.containers().byId(Containers.id(4).toString()).orElseThrow();
    assertEquals(ContainerState.COMPLETED, dead.state());
    assertEquals(ExitReason.KILLED_BY_SIGNAL, dead.reason());
    assertEquals(1, life.containers().byId(Containers.id(5).toString()).orElseThrow().restarts());
    assertEquals(Map.of("server", 0, "worker", 1), life.restarts());

    workerFinished(3, 100);
    workerFinished(5, 100);
    assertEquals(AmState.FINISHING, life.state());
    for (long n : new long[] {1, 2, 3, 5}) {
      life.handle(new AmEvent.Completed(Containers.exited(n, 0, "")));
    }
    assertEquals(AmState.SUCCEEDED, life.state(), "the replaced container's exit does not hold the job");
  }

  @Test
  void aWorkerWhoseHeartbeatsStopIsStoppedAsHungAndReplaced() {
    JobSpec spec = JobSpecParser.parse("""
        name: t
        roles: {server: {instances: 2}, worker: {instances: 2, liveness: {heartbeatTimeoutSeconds: 5}}}
        app: {type: counter}
        """);
    life = new JobLifecycle(spec, spec.app(), new RoleAllocator(spec, scheduler), launcher, (event, delay) -> scheduled.add(event), clock, clock.millis() - 500);
    life.amRegistered(java.util.List.of());
    allRunning();
    clock.millis += 4_000;
    for (long n : new long[] {1, 2, 3}) {
      life.requests().heartbeat(Containers.id(n).toString(), Map.of());
    }
    clock.millis += 2_000;
    life.handle(new AmEvent(AmEvent.Type.LIVENESS_CHECK));
    assertEquals(List.of(Containers.id(4).toString()), stopped, "only the silent worker is stopped");
    assertEquals(ContainerState.STOPPING, life.containers().byId(Containers.id(4).toString()).orElseThrow().state());

    life.handle(new AmEvent.Completed(Containers.exited(4, -105, "Container killed by the ApplicationMaster.")));
    TrackedContainer hung = life.containers().byId(Containers.id(4).toString()).orElseThrow();
    assertEquals(ExitReason.HUNG, hung.reason(), "the AM's reason, not YARN's 'killed by the AM'");
    assertTrue(hung.diagnostics().contains("no heartbeat for 6 s"), hung.diagnostics());
    assertEquals(AmState.RUNNING, life.state());
    assertTrue(scheduled.stream().anyMatch(e -> e.getType() == AmEvent.Type.RESTART_DUE));
  }

  @Test
  void anAskYarnLeavesUnsatisfiedPastItsTimeoutFailsTheJobNamingWhatIsMissing() {
    JobSpec spec = JobSpecParser.parse("""
        name: t
        roles: {server: {instances: 2, liveness: {allocationTimeoutSeconds: 10}}, worker: {instances: 2}}
        app: {type: counter}
        """);
    life = new JobLifecycle(spec, spec.app(), new RoleAllocator(spec, scheduler, clock), launched::add,
        (event, delay) -> scheduled.add(event), clock, clock.millis());
    life.amRegistered(java.util.List.of());
    clock.millis += 9_000;
    life.handle(new AmEvent(AmEvent.Type.LIVENESS_CHECK));
    assertEquals(AmState.STARTING, life.state());
    clock.millis += 2_000;
    life.handle(new AmEvent(AmEvent.Type.LIVENESS_CHECK));
    assertEquals(AmState.FAILED, life.state());
    String diagnostics = life.outcome().join().diagnostics();
    assertTrue(diagnostics.contains("YARN did not allocate 2 of 2 server containers"), diagnostics);
    assertTrue(diagnostics.contains("roles.server.liveness.allocationTimeoutSeconds"), diagnostics);
  }

  @Test
  void aWorkerThatKeepsFailingFailsTheJobOnceItsRoleIsPastTheLimit() {
    allRunning();
    long next = 10;
    for (int failure = 1; failure <= 3; failure++) {
      TrackedContainer current = life.containers().live().stream()
          .filter(c -> c.role() == Role.WORKER && c.index() == 0).findFirst().orElseThrow();
      life.handle(new AmEvent.Completed(ContainerStatusOf.exit(current.id(), 1)));
      assertEquals(AmState.RUNNING, life.state(), "failure " + failure + " of 3 allowed");
      life.handle(new AmEvent.RestartDue(Role.WORKER, 0));
      long id = scheduler.requested.get(scheduler.requested.size() - 1).getAllocationRequestId();
      life.handle(new AmEvent.Allocated(List.of(Containers.forRequest(next, id))));
      assertNull(register(next, Role.WORKER, 0).error);
      next++;
    }
    life.handle(new AmEvent.Completed(Containers.exited(next - 1, 1, "")));
    assertEquals(AmState.FAILED, life.state());
    String diagnostics = life.outcome().join().diagnostics();
    assertTrue(diagnostics.contains("4 failures within 600 s, more than restart.maxRestarts (3) allows"), diagnostics);
  }

  @Test
  void aNodeWhereContainersKeepFailingIsBlacklistedAndNoNodeLeftFailsTheJob() {
    JobSpec spec = JobSpecParser.parse("""
        name: t
        blacklist: {maxFailuresPerNode: 2}
        roles: {server: {instances: 2}, worker: {instances: 2, restart: {maxRestarts: 10}}}
        app: {type: counter}
        """);
    life = new JobLifecycle(spec, spec.app(), new RoleAllocator(spec, scheduler), launched::add,
        (event, delay) -> scheduled.add(event), clock, clock.millis() - 500);
    life.amRegistered(java.util.List.of());
    allRunning(); // worker 0 is container 3 on node1
    long next = 11; // odd ids: node1
    life.handle(new AmEvent.Completed(Containers.exited(3, 1, "")));
    life.handle(new AmEvent.Completed(Containers.exited(4, -102, "preempted"))); // node0: not the node's fault
    assertTrue(scheduler.blacklisted.isEmpty(), "one failure on node1 is not enough");
    for (long n : new long[] {11, 12, 14}) {
      life.handle(new AmEvent.RestartDue(Role.WORKER, 0));
      long id = scheduler.requested.get(scheduler.requested.size() - 1).getAllocationRequestId();
      life.handle(new AmEvent.Allocated(List.of(Containers.forRequest(n, id))));
      life.handle(new AmEvent.Completed(Containers.exited(n, 1, "")));
      if (n == 11) {
        assertEquals(List.of("node1"), scheduler.blacklisted, "the second failure on node1 blacklists it");
        assertEquals(List.of("node1"), life.blacklistedNodes());
        assertEquals(AmState.RUNNING, life.state());
      }
    }
    assertEquals(List.of("node1", "node0"), scheduler.blacklisted);
    assertEquals(AmState.FAILED, life.state());
    String diagnostics = life.outcome().join().diagnostics();
    assertTrue(diagnostics.contains("node node0 is blacklisted after 2 failures (blacklist.maxFailuresPerNode) "
        + "and no usable node is left: node1, node0"), diagnostics);
  }

  @Test
  void aFaultOfTheAmsOwnWhileHandlingAnEventFailsTheJobWithItsReasonInsteadOfHanging() {
    life = new JobLifecycle(SPEC, SPEC.app(), new RoleAllocator(SPEC, scheduler), assignment -> {
      throw new IllegalStateException("launcher broke");
    }, (event, delay) -> scheduled.add(event), clock, clock.millis());
    life.amRegistered(java.util.List.of());
    life.handle(new AmEvent.Allocated(List.of(Containers.of(1, Role.SERVER))));
    assertEquals(AmState.FAILED, life.state());
    assertTrue(life.outcome().join().diagnostics().contains("failed handling CONTAINERS_ALLOCATED: "
        + "java.lang.IllegalStateException: launcher broke"), life.outcome().join().diagnostics());
  }

  @Test
  void theNextAmAttemptTakesOverKeptContainersInTheirSlotsAndAsksForNothingButWhatIsGone() {
    AmJournal.State earlier = new AmJournal.State(null, List.of(
        new AmJournal.Slot("server", 0, Containers.id(1).toString(), "node1", "node1:8042", 9001, 0, false),
        new AmJournal.Slot("server", 1, Containers.id(2).toString(), "node0", "node0:8042", 9002, 0, false),
        new AmJournal.Slot("worker", 0, Containers.id(3).toString(), "node1", "node1:8042", 0, 0, false),
        new AmJournal.Slot("worker", 1, Containers.id(4).toString(), "node0", "node0:8042", 0, 0, true)),
        Map.of(1, new WorkerReport("{\"keys\":10,\"expectedTotal\":100,\"observedTotal\":100,\"mismatches\":0,"
            + "\"lostIncrements\":0,\"lostRounds\":0,\"resumedRounds\":0}", Map.of())),
        List.of("counter-pushed"), Map.of("server", 0, "worker", 2), 0, List.of());
    List<AmJournal.State> journaled = new ArrayList<>();
    RoleAllocatorTest.FakeScheduler fresh = new RoleAllocatorTest.FakeScheduler();
    launched.clear();
    life = new JobLifecycle(SPEC, SPEC.app(), null, new RoleAllocator(SPEC, fresh), launched::add,
        (event, delay) -> scheduled.add(event), clock, clock.millis(), earlier, journaled::add, new JobProgress(false));
    life.amRegistered(List.of(Containers.of(1, Role.SERVER), Containers.of(2, Role.SERVER),
        Containers.of(3, Role.WORKER)));
    assertTrue(fresh.requested.isEmpty() && fresh.scheduled.isEmpty(), "nothing is asked for: every slot is held");
    RecordingReply view = new RecordingReply();
    life.directory().requestView(-1, view);
    assertEquals(2, assertInstanceOf(ClusterView.class, view.ok).servers().length, "servers known at once");
    RecordingReply passed = new RecordingReply();
    life.requests().arrive("counter-pushed", Containers.id(3).toString(), passed);
    assertNotNull(passed.ok, "a barrier the earlier attempt saw released stays released");

    assertNull(register(1, Role.SERVER, 0).error);
    assertNull(register(2, Role.SERVER, 1).error);
    assertEquals(AmState.STARTING, life.state());
    assertNull(register(3, Role.WORKER, 0).error);
    assertEquals(AmState.RUNNING, life.state(), "the finished worker counts; the rest registered again");
    assertTrue(launched.isEmpty(), "no container was launched");
    assertEquals(2, life.restarts().get("worker"), "restarts carry over");
    workerFinished(3, 100);
    assertEquals(AmState.FINISHING, life.state(), "worker 1's results from the earlier attempt stand");
    assertEquals(0L, life.summary().get("mismatches"));
    AmJournal.State last = journaled.get(journaled.size() - 1);
    assertEquals(2, last.results().size());
    assertEquals(9002, last.slots().stream().filter(s -> s.role().equals("server") && s.index() == 1)
        .findFirst().orElseThrow().port());
  }

  @Test
  void aSlotWhoseContainerDidNotSurviveTheAmRestartIsHandledAsLostWithItsNode() {
    AmJournal.State earlier = new AmJournal.State(null, List.of(
        new AmJournal.Slot("server", 0, Containers.id(1).toString(), "node1", "node1:8042", 9001, 0, false),
        new AmJournal.Slot("server", 1, Containers.id(2).toString(), "node0", "node0:8042", 9002, 0, false),
        new AmJournal.Slot("worker", 0, Containers.id(3).toString(), "node1", "node1:8042", 0, 0, false),
        new AmJournal.Slot("worker", 1, Containers.id(4).toString(), "node0", "node0:8042", 0, 0, false)),
        Map.of(), List.of(), Map.of(), 0, List.of());
    life = new JobLifecycle(SPEC, SPEC.app(), null, new RoleAllocator(SPEC, scheduler), launched::add,
        (event, delay) -> scheduled.add(event), clock, clock.millis(), earlier, JobLifecycle.Journal.NONE, new JobProgress(false));
    life.amRegistered(List.of(Containers.of(1, Role.SERVER), Containers.of(2, Role.SERVER),
        Containers.of(3, Role.WORKER)));
    TrackedContainer gone = life.containers().byId(Containers.id(4).toString()).orElseThrow();
    assertEquals(ExitReason.NODE_LOST, gone.reason());
    AmEvent.RestartDue due = (AmEvent.RestartDue) scheduled.stream()
        .filter(e -> e.getType() == AmEvent.Type.RESTART_DUE).findFirst().orElseThrow();
    assertEquals(1, due.index);
    assertNotEquals(AmState.FAILED, life.state());
  }

  @Test
  void aJobOnPiecesHandsThemOutGrowsAndShrinksAndALostWorkersPieceGoesToAnother() {
    JobSpec spec = JobSpecParser.parse("""
        name: t
        roles: {server: {instances: 2}, worker: {instances: 2}}
        app: {type: counter, rounds: 2, pieces: true}
        """);
    RoleAllocatorTest.FakeScheduler fresh = new RoleAllocatorTest.FakeScheduler();
    life = new JobLifecycle(spec, spec.app(), new RoleAllocator(spec, fresh), launcher, (event, delay) -> scheduled.add(event), clock, clock.millis());
    life.amRegistered(java.util.List.of());
    allRunning(); // workers 0 and 1: containers 3 and 4
    RecordingReply a = new RecordingReply();
    life.requests().nextPiece(Containers.id(3).toString(), -1, a);
    assertEquals(0, ((dev.psyarn.ps.wire.ControlMessages.PieceReply) a.ok).piece());

    RecordingReply grown = new RecordingReply();
    life.requests().flex("worker", 3, "alice", grown);
    assertEquals(3, ((dev.psyarn.ps.wire.ControlMessages.FlexReply) grown.ok).desired());
    long id = fresh.requested.get(fresh.requested.size() - 1).getAllocationRequestId();
    life.handle(new AmEvent.Allocated(List.of(Containers.forRequest(5, id))));
    assertEquals(2, launched.get(launched.size() - 1).index(), "a new slot, index 2");
    assertNull(register(5, Role.WORKER, 2).error, "a worker added by flex registers while the job runs");

    RecordingReply b = new RecordingReply();
    life.requests().nextPiece(Containers.id(5).toString(), -1, b);
    assertEquals(1, ((dev.psyarn.ps.wire.ControlMessages.PieceReply) b.ok).piece());
    RecordingReply shrunk = new RecordingReply();
    life.requests().flex("worker", 2, "alice", shrunk);
    assertEquals(List.of(Containers.id(5).toString()), stopped, "the highest slot is retired");
    RecordingReply c = new RecordingReply();
    life.requests().nextPiece(Containers.id(4).toString(), -1, c);
    assertEquals(1, ((dev.psyarn.ps.wire.ControlMessages.PieceReply) c.ok).piece(),
        "the retired worker's unfinished piece goes to the next asker");
    life.handle(new AmEvent.Completed(Containers.exited(5, -105, "stopped")));
    assertEquals(AmState.RUNNING, life.state(), "a retired worker's exit is no failure");
    assertEquals(Map.of("desired", 2, "running", 2), life.instances().get("worker"));

    RecordingReply refused = new RecordingReply();
    life.requests().flex("server", 0, "alice", refused);
    assertTrue(refused.error.contains("instances must be from 1"), refused.error);
    RecordingReply unknown = new RecordingReply();
    life.requests().flex("ps", 3, "alice", unknown);
    assertTrue(unknown.error.contains("no role ps"), unknown.error);
  }

  private dev.psyarn.ps.wire.ControlMessages.HeartbeatReply beat(long n, String figure, double value) {
    return life.requests().heartbeat(Containers.id(n).toString(), Map.of(figure, value));
  }

  @Test
  void serversGrowThroughPausePrepareAndCommitThenShrinkAndTheViewFollows() {
    RoleAllocatorTest.FakeScheduler fresh = new RoleAllocatorTest.FakeScheduler();
    life = new JobLifecycle(SPEC, SPEC.app(), new RoleAllocator(SPEC, fresh), launcher,
        (event, delay) -> scheduled.add(event), clock, clock.millis());
    life.amRegistered(java.util.List.of());
    allRunning(); // servers 0, 1: containers 1, 2; workers: 3, 4
    RecordingReply grown = new RecordingReply();
    life.requests().flex("server", 3, "alice", grown);
    assertEquals(3, ((dev.psyarn.ps.wire.ControlMessages.FlexReply) grown.ok).desired(), String.valueOf(grown.error));
    assertNull(beat(3, "x", 0).change(), "nothing for the workers while the new server starts");
    long id = fresh.requested.get(fresh.requested.size() - 1).getAllocationRequestId();
    life.handle(new AmEvent.Allocated(List.of(Containers.forRequest(5, id))));
    assertEquals(Role.SERVER, launched.get(launched.size() - 1).role());
    assertEquals(2, launched.get(launched.size() - 1).index(), "a new server slot, index 2");
    assertNull(register(5, Role.SERVER, 2).error, "a server added by flex registers while the job runs");
    assertEquals(2, life.directory().view().servers().length, "not in the view before the change is done");

    var pause = beat(3, "x", 0).change();
    assertEquals(dev.psyarn.ps.wire.ControlMessages.ViewChange.Phase.PAUSE, pause.phase());
    assertEquals(1, pause.layout());
    RecordingReply view = new RecordingReply();
    life.directory().requestView(-1, view);
    assertNull(view.ok, "views are held while the servers change");
    assertNull(beat(1, "x", 0).change(), "servers wait while the workers pause");
    beat(3, "view.quiescent", 1);
    assertNull(beat(1, "x", 0).change(), "worker 1 has not said it is quiescent");
    beat(4, "view.quiescent", 1);
    var prepare = beat(1, "x", 0).change();
    assertEquals(dev.psyarn.ps.wire.ControlMessages.ViewChange.Phase.PREPARE, prepare.phase());
    assertEquals(3, prepare.numServers());
    assertEquals(2, prepare.sources().length);
    assertEquals(9005, prepare.targets()[2].port(), "the new server, where it registered");
    beat(1, "view.prepared", 1);
    beat(2, "view.prepared", 1);
    assertEquals(dev.psyarn.ps.wire.ControlMessages.ViewChange.Phase.PREPARE, beat(5, "x", 0).change().phase());
    var commit = beat(5, "view.prepared", 1).change();
    assertEquals(dev.psyarn.ps.wire.ControlMessages.ViewChange.Phase.COMMIT, commit.phase());
    beat(1, "view.committed", 1);
    beat(2, "view.committed", 1);
    assertNull(view.ok, "not before every server committed");
    beat(5, "view.committed", 1);
    var now = (dev.psyarn.ps.wire.ControlMessages.ClusterView) view.ok;
    assertEquals(3, now.servers().length, "the held view names the three servers");
    assertEquals(1, now.layout());
    assertNull(beat(3, "x", 0).change(), "the change is done");
    assertEquals(Map.of("desired", 3, "running", 3), life.instances().get("server"));

    beat(2, "flex.splitOrigins", 1); // a push the change found cut short, not yet sent again
    RecordingReply split = new RecordingReply();
    life.requests().flex("server", 2, "alice", split);
    assertTrue(split.error != null && split.error.contains("server 1 holds 1 push(es) that the last change"),
        String.valueOf(split.error));
    beat(2, "flex.splitOrigins", 0); // the worker's replay went past it
    RecordingReply shrunk = new RecordingReply();
    life.requests().flex("server", 2, "alice", shrunk);
    assertNull(shrunk.error);
    beat(3, "view.quiescent", 2);
    beat(4, "view.quiescent", 2);
    for (String figure : new String[] {"view.prepared", "view.committed"}) {
      for (long n : new long[] {1, 2, 5}) {
        beat(n, figure, 2);
      }
    }
    assertEquals(2, life.directory().view().servers().length);
    assertEquals(List.of(Containers.id(5).toString()), stopped, "the server beyond the new count is retired");
    life.handle(new AmEvent.Completed(Containers.exited(5, -105, "stopped")));
    assertEquals(AmState.RUNNING, life.state(), "a retired server's exit is no failure");
    assertTrue(life.summary().get("serverLayout").toString().contains("outcome=done"), life.summary().toString());
  }

  @Test
  void aServerLostBeforeTheCommitCallsTheChangeOffAndOneLostWhileCommittingFailsTheJob() {
    JobSpec spec = JobSpecParser.parse("""
        name: t
        roles: {server: {instances: 2, restart: {policy: onFailure}}, worker: {instances: 2}}
        app: {type: counter}
        replication: 1
        """);
    RoleAllocatorTest.FakeScheduler fresh = new RoleAllocatorTest.FakeScheduler();
    life = new JobLifecycle(spec, spec.app(), new RoleAllocator(spec, fresh), launcher,
        (event, delay) -> scheduled.add(event), clock, clock.millis());
    life.amRegistered(java.util.List.of());
    allRunning();
    RecordingReply tooFew = new RecordingReply();
    life.requests().flex("server", 1, "alice", tooFew);
    assertTrue(tooFew.error.contains("replication 1 needs 2 servers"), tooFew.error);
    growToThree(fresh, 5);
    assertEquals(dev.psyarn.ps.wire.ControlMessages.ViewChange.Phase.PREPARE, beat(1, "x", 0).change().phase());
    life.handle(new AmEvent.Completed(Containers.exited(2, 137, "killed")));
    assertEquals(AmState.RUNNING, life.state(), "the old layout stays and the server is replaced");
    assertNull(beat(1, "x", 0).change(), "the change is off");
    assertEquals(List.of(Containers.id(5).toString()), stopped, "the added server is retired");
    assertTrue(life.summary().get("serverLayout").toString().contains("called off"), life.summary().toString());
    assertEquals(1, life.directory().view().layout(), "workers waiting for the change get the old layout back");
    RecordingReply again = new RecordingReply();
    life.requests().flex("server", 3, "alice", again);
    assertTrue(again.error.contains("server 1 is not running"), again.error);

    AmEvent.RestartDue due = (AmEvent.RestartDue) scheduled.stream()
        .filter(e -> e.getType() == AmEvent.Type.RESTART_DUE).reduce((a, b) -> b).orElseThrow();
    life.handle(due);
    long id = fresh.requested.get(fresh.requested.size() - 1).getAllocationRequestId();
    life.handle(new AmEvent.Allocated(List.of(Containers.forRequest(6, id))));
    assertNull(register(6, Role.SERVER, 1).error);
    growToThree(fresh, 7);
    for (long n : new long[] {1, 6, 7}) {
      beat(n, "view.prepared", 2);
    }
    assertEquals(dev.psyarn.ps.wire.ControlMessages.ViewChange.Phase.COMMIT, beat(1, "x", 0).change().phase());
    life.handle(new AmEvent.Completed(Containers.exited(6, 137, "killed")));
    assertEquals(AmState.FAILED, life.state());
    assertTrue(life.outcome().join().diagnostics().contains("lost while the servers committed layout 2"),
        life.outcome().join().diagnostics());
  }

  /** Flexes the servers to three; the new one is container {@code n}; the workers say they are quiescent. */
  private void growToThree(RoleAllocatorTest.FakeScheduler fresh, long n) {
    RecordingReply grown = new RecordingReply();
    life.requests().flex("server", 3, "alice", grown);
    assertNull(grown.error);
    long id = fresh.requested.get(fresh.requested.size() - 1).getAllocationRequestId();
    life.handle(new AmEvent.Allocated(List.of(Containers.forRequest(n, id))));
    assertNull(register(n, Role.SERVER, 2).error);
    int layout = beat(3, "x", 0).change().layout();
    beat(3, "view.quiescent", layout);
    beat(4, "view.quiescent", layout);
  }

  @Test
  void theNextAttemptKeepsTheFlexedWorkersAndHandsOutNoPieceDoneBefore() {
    JobSpec spec = JobSpecParser.parse("""
        name: t
        roles: {server: {instances: 2}, worker: {instances: 2}}
        app: {type: counter, rounds: 2, pieces: true}
        """);
    AmJournal.State earlier = new AmJournal.State(null, List.of(
        new AmJournal.Slot("server", 0, Containers.id(1).toString(), "node1", "node1:8042", 9001, 0, false),
        new AmJournal.Slot("server", 1, Containers.id(2).toString(), "node0", "node0:8042", 9002, 0, false),
        new AmJournal.Slot("worker", 0, Containers.id(3).toString(), "node1", "node1:8042", 0, 0, false),
        new AmJournal.Slot("worker", 1, Containers.id(4).toString(), "node0", "node0:8042", 0, 0, false),
        new AmJournal.Slot("worker", 2, Containers.id(5).toString(), "node0", "node0:8042", 0, 0, false)),
        Map.of(), List.of(), Map.of(), 3, List.of(0, 2));
    List<AmJournal.State> journaled = new ArrayList<>();
    RoleAllocatorTest.FakeScheduler fresh = new RoleAllocatorTest.FakeScheduler();
    life = new JobLifecycle(spec, spec.app(), null, new RoleAllocator(spec, fresh), launched::add,
        (event, delay) -> scheduled.add(event), clock, clock.millis(), earlier, journaled::add, new JobProgress(false));
    life.amRegistered(List.of(Containers.of(1, Role.SERVER), Containers.of(2, Role.SERVER),
        Containers.of(3, Role.WORKER), Containers.of(4, Role.WORKER), Containers.of(5, Role.WORKER)));
    assertTrue(fresh.requested.isEmpty(), "the three workers flex had asked for are taken over: " + fresh.requested);
    assertEquals(Map.of("desired", 3, "running", 3), life.instances().get("worker"));
    RecordingReply first = new RecordingReply();
    life.requests().nextPiece(Containers.id(5).toString(), -1, first);
    assertEquals(1, ((dev.psyarn.ps.wire.ControlMessages.PieceReply) first.ok).piece(), "0 and 2 were done");
    RecordingReply second = new RecordingReply();
    life.requests().nextPiece(Containers.id(3).toString(), -1, second);
    assertEquals(3, ((dev.psyarn.ps.wire.ControlMessages.PieceReply) second.ok).piece());
    life.requests().nextPiece(Containers.id(5).toString(), 1, new RecordingReply());
    assertEquals(List.of(0, 1, 2), journaled.get(journaled.size() - 1).donePieces(), "a piece done is journaled");
    assertEquals(3, journaled.get(journaled.size() - 1).desiredWorkers());
  }

  @Test
  void flexIsRefusedForAnAppThatGivesEachWorkerItsOwnShare() {
    allRunning();
    RecordingReply refused = new RecordingReply();
    life.requests().flex("worker", 3, "alice", refused);
    assertTrue(refused.error.contains("flex needs an app that hands out pieces"), refused.error);
    assertNull(refused.ok);
  }

  /** A completed status for a container id string. */
  private static final class ContainerStatusOf {
    static org.apache.hadoop.yarn.api.records.ContainerStatus exit(String id, int code) {
      return org.apache.hadoop.yarn.api.records.ContainerStatus.newInstance(
          org.apache.hadoop.yarn.api.records.ContainerId.fromString(id),
          org.apache.hadoop.yarn.api.records.ContainerState.COMPLETE, "", code);
    }
  }

}
