package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficTotalsTest {

  private static JobStatus.ContainerRow row(String role, Map<String, Double> metrics) {
    return new JobStatus.ContainerRow(role, 0, "c", "h", "native", "COMPLETED", 0, 0, null, null, null, metrics);
  }

  @Test
  void bytesAreSummedByRoleBesideTheAppsMetrics() {
    Map<String, Object> metrics = ApplicationMaster.withTraffic(Map.of("keys", 10L), List.of(
        row("server", Map.of("bytesIn", 100.0, "bytesOut", 40.0, "keys", 5.0)),
        row("server", Map.of("bytesIn", 50.0, "bytesOut", 10.0)),
        row("worker", Map.of("bytesOut", 150.0)),
        row("worker", Map.of())));
    assertEquals(10L, metrics.get("keys"));
    assertEquals(150L, metrics.get("bytes.server.in"));
    assertEquals(50L, metrics.get("bytes.server.out"));
    assertEquals(150L, metrics.get("bytes.worker.out"));
    assertFalse(metrics.containsKey("bytes.worker.in"));
  }
}
