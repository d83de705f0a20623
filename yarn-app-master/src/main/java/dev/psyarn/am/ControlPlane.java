package dev.psyarn.am;

import dev.psyarn.ps.transport.RequestHandler;
import dev.psyarn.ps.wire.ControlMessages.Ack;
import dev.psyarn.ps.wire.ControlMessages.Barrier;
import dev.psyarn.ps.wire.ControlMessages.Finished;
import dev.psyarn.ps.wire.ControlMessages.GetClusterView;
import dev.psyarn.ps.wire.ControlMessages.Heartbeat;
import dev.psyarn.ps.wire.ControlMessages.HeartbeatReply;
import dev.psyarn.ps.wire.ControlMessages.Flex;
import dev.psyarn.ps.wire.ControlMessages.Kill;
import dev.psyarn.ps.wire.ControlMessages.NextPiece;
import dev.psyarn.ps.wire.ControlMessages.Register;

/**
 * The AM's side of the control plane. Requests arrive on I/O threads and are handed to the event
 * thread, where the lifecycle answers them (some later: a cluster view waits for the servers, a
 * barrier for the workers).
 */
final class ControlPlane implements RequestHandler {

  private final AmLoop loop;
  private final ChartHistory history;
  private final java.time.Clock clock;

  ControlPlane(AmLoop loop, ChartHistory history, java.time.Clock clock) {
    this.loop = loop;
    this.history = history;
    this.clock = clock;
  }

  @Override
  public void handle(Object request, Reply reply) {
    if (request instanceof Register r) {
      loop.post(new AmEvent.Registered(r.containerId(), r.role(), r.index(), r.host(), r.port(), reply));
    } else if (request instanceof Heartbeat h) {
      loop.submit(lifecycle -> {
        HeartbeatReply answer = lifecycle.requests().heartbeat(h.containerId(), h.metrics());
        chart(lifecycle, h.containerId(), h.metrics());
        reply.ok(answer);
      });
    } else if (request instanceof GetClusterView get) {
      loop.submit(lifecycle -> lifecycle.directory().requestView(get.newerThan(), reply));
    } else if (request instanceof Barrier b) {
      loop.submit(lifecycle -> lifecycle.requests().arrive(b.name(), b.containerId(), reply));
    } else if (request instanceof Finished f) {
      loop.submit(lifecycle -> {
        chart(lifecycle, f.containerId(), f.figures());
        lifecycle.handle(new AmEvent.WorkerFinished(f.containerId(), new WorkerReport(f.result(), f.figures())));
        reply.ok(new Ack());
      });
    } else if (request instanceof NextPiece n) {
      loop.submit(lifecycle -> lifecycle.requests().nextPiece(n.containerId(), n.finished(), reply));
    } else if (request instanceof Flex f) {
      loop.submit(lifecycle -> lifecycle.requests().flex(f.role(), f.instances(), f.by(), reply));
    } else if (request instanceof dev.psyarn.ps.wire.ControlMessages.LogLevel l) {
      loop.submit(lifecycle -> lifecycle.requests().setLogLevel(l, reply));
    } else if (request instanceof Kill k) {
      loop.submit(lifecycle -> {
        lifecycle.handle(new AmEvent.Fatal(AmEvent.Type.KILL_REQUESTED, "killed by " + k.by() + " with psyarn kill"));
        reply.ok(new Ack());
      });
    } else {
      reply.error("the ApplicationMaster does not handle " + request.getClass().getSimpleName());
    }
  }

  /** A container's figures, and the containers running by role, into the charts' history. */
  private void chart(JobLifecycle lifecycle, String containerId, java.util.Map<String, Double> figures) {
    long now = clock.millis();
    lifecycle.containers().byId(containerId)
        .ifPresent(c -> history.heard(c.role().specName(), c.index(), figures, now));
    if (!history.runningDue(now)) {
      return; // counted at most once a second, not at every container's heartbeat
    }
    java.util.Map<String, Integer> running = new java.util.TreeMap<>();
    for (TrackedContainer c : lifecycle.containers().all()) {
      if (c.state() == ContainerState.REGISTERED) {
        running.merge(c.role().specName(), 1, Integer::sum);
      }
    }
    history.running(running, now);
  }
}
