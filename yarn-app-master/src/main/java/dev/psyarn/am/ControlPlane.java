package dev.psyarn.am;

import dev.psyarn.ps.transport.RequestHandler;
import dev.psyarn.ps.wire.ControlMessages.Ack;
import dev.psyarn.ps.wire.ControlMessages.Barrier;
import dev.psyarn.ps.wire.ControlMessages.Finished;
import dev.psyarn.ps.wire.ControlMessages.GetClusterView;
import dev.psyarn.ps.wire.ControlMessages.Heartbeat;
import dev.psyarn.ps.wire.ControlMessages.HeartbeatReply;
import dev.psyarn.ps.wire.ControlMessages.Kill;
import dev.psyarn.ps.wire.ControlMessages.Register;
import java.util.concurrent.Executor;

/**
 * The AM's side of the control plane. Requests arrive on I/O threads and are handed to the event
 * thread, where the lifecycle answers them (some later: a cluster view waits for the servers, a
 * barrier for the workers).
 */
final class ControlPlane implements RequestHandler {

  private final JobLifecycle lifecycle;
  private final Executor events;

  ControlPlane(JobLifecycle lifecycle, Executor events) {
    this.lifecycle = lifecycle;
    this.events = events;
  }

  @Override
  public void handle(Object request, Reply reply) {
    if (request instanceof Register r) {
      events.execute(() -> lifecycle.handle(
          new AmEvent.Registered(r.containerId(), r.role(), r.index(), r.host(), r.port(), reply)));
    } else if (request instanceof Heartbeat h) {
      events.execute(() -> reply.ok(new HeartbeatReply(lifecycle.heartbeat(h.containerId(), h.metrics()))));
    } else if (request instanceof GetClusterView) {
      events.execute(() -> lifecycle.directory().requestView(reply));
    } else if (request instanceof Barrier b) {
      events.execute(() -> lifecycle.arrive(b.name(), b.containerId(), reply));
    } else if (request instanceof Finished f) {
      events.execute(() -> {
        lifecycle.handle(new AmEvent.WorkerFinished(f.containerId(), f.results()));
        reply.ok(new Ack());
      });
    } else if (request instanceof Kill k) {
      events.execute(() -> {
        lifecycle.handle(new AmEvent.Fatal(AmEvent.Type.KILL_REQUESTED, "killed by " + k.by() + " with psyarn kill"));
        reply.ok(new Ack());
      });
    } else {
      reply.error("the ApplicationMaster does not handle " + request.getClass().getSimpleName());
    }
  }
}
