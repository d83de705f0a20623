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
 * What the lifecycle's tests share: a fake scheduler, launcher, timer and a manual clock, and a
 * lifecycle of 2 servers and 2 workers started on them.
 */
abstract class LifecycleFixture {

  static final class RecordingReply implements RequestHandler.Reply {
    Object ok;
    String error;

    @Override
    public void ok(Object response) {
      ok = response;
    }

    @Override
    public void error(String message) {
      error = message;
    }
  }

  static final class ManualClock extends Clock {
    long millis = 1_000_000;

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  static final JobSpec SPEC = JobSpecParser.parse("""
      name: t
      roles: {server: {instances: 2}, worker: {instances: 2}}
      app: {type: counter}
      """);

  final RoleAllocatorTest.FakeScheduler scheduler = new RoleAllocatorTest.FakeScheduler();
  final List<RoleAllocator.Assignment> launched = new ArrayList<>();
  /** Containers the lifecycle asked to stop. */
  final List<String> stopped = new ArrayList<>();
  /** A launcher that records what it is asked to launch and stop. */
  final Launcher launcher = new Launcher() {
    @Override
    public void launch(RoleAllocator.Assignment assignment) {
      launched.add(assignment);
    }

    @Override
    public void stop(String containerId) {
      stopped.add(containerId);
    }
  };
  final List<AmEvent> scheduled = new ArrayList<>();
  final ManualClock clock = new ManualClock();
  JobLifecycle life;

  @BeforeEach
  void start() {
    life = new JobLifecycle(SPEC, SPEC.app(), new RoleAllocator(SPEC, scheduler), launched::add,
        (event, delay) -> scheduled.add(event), clock, clock.millis() - 500);
    life.amRegistered(java.util.List.of());
  }

  List<AmEvent> stopTimeouts() {
    return scheduled.stream().filter(e -> e.getType() == AmEvent.Type.STOP_TIMEOUT).toList();
  }

  RecordingReply register(long n, Role role, int index) {
    RecordingReply reply = new RecordingReply();
    life.handle(new AmEvent.Registered(Containers.id(n).toString(), role.specName(), index, "node" + n, 9000 + (int) n, reply));
    return reply;
  }

  /** Servers 1-2 and workers 3-4 allocated, launched and registered. */
  void allRunning() {
    life.handle(new AmEvent.Allocated(List.of(Containers.of(1, Role.SERVER), Containers.of(2, Role.SERVER))));
    life.handle(new AmEvent.Allocated(List.of(Containers.of(3, Role.WORKER), Containers.of(4, Role.WORKER))));
    assertNull(register(1, Role.SERVER, 0).error);
    assertNull(register(2, Role.SERVER, 1).error);
    assertNull(register(3, Role.WORKER, 0).error);
    assertNull(register(4, Role.WORKER, 1).error);
  }

  void workerFinished(long n, double observedTotal) {
    life.handle(new AmEvent.WorkerFinished(Containers.id(n).toString(), new WorkerReport(String.format(
        "{\"keys\":10,\"expectedTotal\":100,\"observedTotal\":%d,\"mismatches\":%d,\"lostIncrements\":0,"
        + "\"lostRounds\":0,\"resumedRounds\":0}", (long) observedTotal, observedTotal == 100.0 ? 0 : 1),
        Map.of("bytesIn", 5.0))));
  }
}
