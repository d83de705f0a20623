package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Placement on a MiniYARNCluster with two NodeManagers and the scheduler's placement constraints
 * on: anti-affine servers land on different nodes; what the cluster cannot satisfy is refused
 * before submission, naming the field.
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class PlacementIT {

  private static ClusterHarness harness;

  @BeforeAll
  static void startCluster() throws Exception {
    harness = ClusterHarness.start("placement", 2, false,
        Map.of("yarn.resourcemanager.placement-constraints.handler", "scheduler"));
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void antiAffineServersRunOnDifferentNodes() throws Exception {
    Path spec = harness.spec("anti.yaml", ClusterHarness.counterSpec("anti-affine", 2, 2, 100, 2, List.of())
        .replace("server: {instances: 2, memory: 128m,", "server: {instances: 2, memory: 128m, placement: {antiAffinity: true},"));
    Path report = harness.work.resolve("anti-report.json");

    ClusterHarness.Run run = harness.psyarn("submit", spec.toString(), "--wait", "--report", report.toString());

    assertEquals(ExitCodes.OK, run.exitCode(), run.err());
    JsonNode r = ClusterHarness.JSON.readTree(Files.readString(report));
    List<String> serverNodes = new ArrayList<>();
    for (JsonNode c : r.path("containers")) {
      if ("server".equals(c.path("role").asText())) {
        // The NodeManagers share a host name here; their web addresses (in the log links) differ.
        String logs = c.path("logs").asText();
        serverNodes.add(logs.substring(0, logs.indexOf("/node/")));
      }
    }
    assertEquals(2, serverNodes.size(), r.toString());
    assertNotEquals(serverNodes.get(0), serverNodes.get(1), "one server a node: " + serverNodes);
  }

  @Test
  void placementsTheClusterCannotSatisfyAreRefusedBeforeSubmission() throws Exception {
    int before = harness.applicationCount();
    String valid = ClusterHarness.counterSpec("x", 3, 1, 10, 1, List.of());
    String[][] cases = {
        {valid.replace("server: {instances: 3, memory: 128m,", "server: {instances: 3, memory: 128m, placement: {antiAffinity: true},"),
            "roles.server.placement", "2 running NodeManagers"},
        {valid.replace("worker: {instances: 1, memory: 128m,", "worker: {instances: 1, memory: 128m, nodeLabel: gpu,"),
            "roles.worker.nodeLabel", "no node label \"gpu\""},
    };
    for (String[] c : cases) {
      ClusterHarness.Run run = harness.psyarn("submit", harness.spec("refused.yaml", c[0]).toString(), "--wait");
      assertEquals(ExitCodes.INVALID_SPEC, run.exitCode(), run.err());
      assertTrue(run.err().contains(c[1] + ":") && run.err().contains(c[2]), run.err());
    }
    assertEquals(before, harness.applicationCount(), "nothing is submitted");
  }
}
