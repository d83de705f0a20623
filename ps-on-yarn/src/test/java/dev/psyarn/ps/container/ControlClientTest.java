package dev.psyarn.ps.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.wire.ControlMessages.Command;
import dev.psyarn.ps.wire.ControlMessages.Heartbeat;
import dev.psyarn.ps.wire.ControlMessages.HeartbeatReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A container's heartbeats to a fake AM that says stop. */
class ControlClientTest {

  /** Answers every heartbeat with stop and keeps what each one said. */
  static final class StoppingAm implements PeerChannel {
    final List<Map<String, Double>> heard = new ArrayList<>();

    @Override
    public synchronized CompletableFuture<Object> call(Object request) {
      heard.add(((Heartbeat) request).metrics());
      return CompletableFuture.completedFuture(new HeartbeatReply(Command.STOP));
    }

    synchronized List<Map<String, Double>> heard() {
      return new ArrayList<>(heard);
    }

    @Override
    public void close() {
    }
  }

  @Test
  void whatFinishedAfterTheStopReachesTheAmInTheLastReportAndNoHeartbeatFollowsIt() throws Exception {
    StoppingAm am = new StoppingAm();
    AtomicInteger written = new AtomicInteger(1);
    try (ControlClient control = new ControlClient(am, "container_1")) {
      control.startHeartbeats(5, () -> Map.of("checkpoint.written", (double) written.get()));
      control.stopRequested().get(10, TimeUnit.SECONDS);
      written.set(2); // the final checkpoint, written after the AM said stop

      control.lastReport(() -> Map.of("checkpoint.written", (double) written.get()));
      int reports = am.heard().size();
      Thread.sleep(50); // ten heartbeat intervals: none may come after the last report

      List<Map<String, Double>> heard = am.heard();
      assertEquals(reports, heard.size(), "heartbeats went on after the last report");
      assertEquals(2.0, heard.get(heard.size() - 1).get("checkpoint.written"));
      assertEquals(1.0, heard.get(0).get("checkpoint.written"));
    }
  }
}
