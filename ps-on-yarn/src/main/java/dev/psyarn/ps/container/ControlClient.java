package dev.psyarn.ps.container;

import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.wire.ControlMessages.Barrier;
import dev.psyarn.ps.wire.ControlMessages.ClusterView;
import dev.psyarn.ps.wire.ControlMessages.Command;
import dev.psyarn.ps.wire.ControlMessages.Finished;
import dev.psyarn.ps.wire.ControlMessages.GetClusterView;
import dev.psyarn.ps.wire.ControlMessages.Heartbeat;
import dev.psyarn.ps.wire.ControlMessages.HeartbeatReply;
import dev.psyarn.ps.wire.ControlMessages.Register;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container's side of the control plane: registration, the cluster view, heartbeats with
 * metrics, barriers and the final report. {@link #stopRequested()} completes when the AM says stop
 * or the AM can no longer be reached.
 */
public final class ControlClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControlClient.class);

  private final PeerChannel am;
  private final String containerId;
  /** How long a heartbeat may wait: longer when the channel follows the AM to its next attempt. */
  private final Duration heartbeatWait;
  /** Missed heartbeats in a row after which the AM counts as lost. */
  private final int maxMissed;
  private final CompletableFuture<Void> stop = new CompletableFuture<>();
  private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "psyarn-heartbeat");
    t.setDaemon(true);
    return t;
  });
  private int missedHeartbeats;

  public ControlClient(PeerChannel am, String containerId) {
    this.am = am;
    this.containerId = containerId;
    this.heartbeatWait = Duration.ofSeconds(30);
    this.maxMissed = 3;
  }

  /** A client whose channel follows the AM to its next attempt, waiting up to {@code patience}. */
  ControlClient(ReconnectingChannel am, String containerId, Duration patience) {
    this.am = am;
    this.containerId = containerId;
    this.heartbeatWait = patience.plusSeconds(30);
    this.maxMissed = 1; // the channel itself has waited for the AM's next attempt
  }

  public void register(String role, int index, String host, int port) {
    Register register = new Register(containerId, role, index, host, port);
    if (am instanceof ReconnectingChannel follower) {
      follower.registerWith(register);
    }
    am.call(register).join();
  }

  /** The servers and their ranges; blocks until every server has registered. */
  public ClusterView clusterView() {
    return (ClusterView) am.call(new GetClusterView()).join();
  }

  /** The view as the AM has it now, whether or not every server is in it (does not wait). */
  public ClusterView clusterViewNow() {
    return (ClusterView) am.call(new GetClusterView(GetClusterView.NOW)).join();
  }

  /** The first view whose epoch is above {@code epoch} and that names every server (blocks until there is one). */
  public ClusterView clusterViewAfter(long epoch) {
    return (ClusterView) am.call(new GetClusterView(epoch)).join();
  }

  /** Starts heartbeats every {@code intervalMs} carrying the supplier's metrics. */
  public void startHeartbeats(int intervalMs, Supplier<Map<String, Double>> metrics) {
    startHeartbeats(intervalMs, metrics, reply -> {});
  }

  /** Heartbeats as above; each answer but a stop also goes to {@code replies}. */
  public void startHeartbeats(int intervalMs, Supplier<Map<String, Double>> metrics,
      java.util.function.Consumer<HeartbeatReply> replies) {
    heartbeats.scheduleWithFixedDelay(() -> beat(metrics, replies), 0, intervalMs, TimeUnit.MILLISECONDS);
  }

  /**
   * The barrier a worker passes before its app runs: the AM lets each worker through once the job's
   * input is ready (at once, unless preprocessing still runs: workers may start beside it).
   */
  public static final String DATA_READY = "psyarn.data-ready";

  /** Blocks until every worker has called the barrier of this name ({@link #DATA_READY}: until the data is ready). */
  public void barrier(String name) {
    am.call(new Barrier(name, containerId)).join();
  }

  /** The next piece of work after {@code finished} (-1 for none); -1 once every piece is done. */
  public int nextPiece(int finished) {
    return ((dev.psyarn.ps.wire.ControlMessages.PieceReply) am.call(
        new dev.psyarn.ps.wire.ControlMessages.NextPiece(containerId, finished)).join()).piece();
  }

  /** Reports a worker's final result (the app's, as JSON) and its data plane figures. */
  public void finished(String result, Map<String, Double> figures) {
    am.call(new Finished(containerId, result, new HashMap<>(figures))).join();
  }

  /** Completes when the AM asks this container to stop, or is gone. */
  public CompletableFuture<Void> stopRequested() {
    return stop;
  }

  /**
   * Sends the metrics once more after the AM said stop, so that what finished since the last
   * heartbeat (a server's final checkpoint) is in the job's report. Heartbeats end here.
   */
  public void lastReport(Supplier<Map<String, Double>> metrics) {
    heartbeats.shutdownNow();
    try {
      // A heartbeat under way finishes first, so that this report is the last the AM hears.
      heartbeats.awaitTermination(heartbeatWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    beat(metrics, reply -> {});
  }

  @Override
  public void close() {
    heartbeats.shutdownNow();
    am.close();
  }

  private void beat(Supplier<Map<String, Double>> metrics, java.util.function.Consumer<HeartbeatReply> replies) {
    try {
      HashMap<String, Double> figures = new HashMap<>(metrics.get());
      JvmFigures.addTo(figures);
      HeartbeatReply reply = (HeartbeatReply) am.call(new Heartbeat(containerId, figures))
          .get(heartbeatWait.toMillis(), TimeUnit.MILLISECONDS);
      missedHeartbeats = 0;
      LOG.debug("heartbeat answered: {}", reply);
      if (reply.logLevels() != null) {
        LogLevels.apply(reply.logLevels());
      }
      if (reply.tokens() != null) {
        RenewedTokens.apply(reply.tokens());
      }
      if (reply.command() == Command.STOP) {
        stop.complete(null);
      } else {
        replies.accept(reply);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      missedHeartbeats++;
      LOG.warn("heartbeat to the AM failed ({} in a row): {}", missedHeartbeats, e.toString());
      if (missedHeartbeats >= maxMissed) {
        stop.completeExceptionally(new IllegalStateException("lost the ApplicationMaster", e));
      }
    }
  }
}
