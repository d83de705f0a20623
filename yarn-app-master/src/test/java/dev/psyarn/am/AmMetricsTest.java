package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AmMetricsTest {

  private static JobStatus.ContainerRow row(String role, int index, String state, Map<String, Double> metrics) {
    return new JobStatus.ContainerRow(role, index, "c" + role + index, "h", "native", state, null, 0, null, null, "",
        metrics);
  }

  @Test
  void theSourceAsksNothingOfTheEventLoopBeforeItRuns() throws Exception {
    // Registering a source with metrics2 asks for its figures at once, on the AM's main thread,
    // which only afterwards runs the loop: a source that waited for the loop there held every
    // job's start for the status's 10 s timeout.
    AmLoop loop = new AmLoop();
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    AmMetrics source = AmMetrics.of(loop, () -> {
      asked.incrementAndGet();
      return null;
    });
    org.apache.hadoop.metrics2.impl.MetricsCollectorImpl collector = new org.apache.hadoop.metrics2.impl.MetricsCollectorImpl();
    source.getMetrics(collector, true);
    assertEquals(0, asked.get(), "the loop does not run yet: not asked");
    assertEquals(0, collector.getRecords().size());
  }

  @Test
  void gaugesSumTheRunningContainersFiguresByRoleAndNameTheJobsResults() {
    JobStatus s = new JobStatus("application_1_0001", "t", "RUNNING", "UNDEFINED", 0.5f, "", List.of(
        row("server", 0, "REGISTERED", Map.of("keys", 10.0, "keysPushed", 100.0, "clock", 3.0, "clock.max", 5.0)),
        row("server", 1, "REGISTERED", Map.of("keys", 12.0, "keysPushed", 80.0, "clock", 4.0, "clock.max", 7.0)),
        row("server", 1, "COMPLETED", Map.of("keys", 999.0)),
        row("worker", 0, "REGISTERED", Map.of("bytesOut", 1e6, "train.examples", 500.0, "train.logloss", 0.5)),
        row("worker", 1, "REGISTERED", Map.of("bytesOut", 2e6, "train.examples", 700.0, "train.logloss", 0.7))),
        Map.of("server", 1, "worker", 0), List.of(),
        Map.of("server", Map.of("desired", 2, "running", 2), "worker", Map.of("desired", 2, "running", 2)),
        Map.of(), Map.of("test.logloss", 0.45, "bytes.server.in", 5L, "serverLayout", Map.of()), null);
    Map<String, Double> g = AmMetrics.gauges(s);
    assertEquals(22.0, g.get("ServerKeys"), "a predecessor that exited is not counted");
    assertEquals(180.0, g.get("ServerKeysPushed"));
    assertEquals(3e6, g.get("WorkerBytesOut"));
    assertEquals(1200.0, g.get("WorkerTrainExamples"));
    assertEquals(0.6, g.get("WorkerTrainLogloss"), 1e-12);
    assertEquals(4.0, g.get("ServerClockLag"), "the fastest running clock (7) over the slowest (3)");
    assertEquals(2.0, g.get("ServersRunning"));
    assertEquals(1.0, g.get("ServerRestarts"));
    assertEquals(0.45, g.get("ResultTestLogloss"));
    assertEquals(0.5, g.get("Progress"), 1e-6);
    assertFalse(g.containsKey("ResultBytesServerIn"), "traffic is counted from the containers, not twice");
    assertFalse(g.containsKey("ResultServerLayout"), "only numbers are gauges");
  }
}
