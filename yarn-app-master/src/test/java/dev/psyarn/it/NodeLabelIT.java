package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.NodeId;
import org.apache.hadoop.yarn.server.resourcemanager.ResourceManager;
import org.apache.hadoop.yarn.server.resourcemanager.nodelabels.RMNodeLabelsManager;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Node labels on a MiniYARNCluster with two NodeManagers, one of them labelled {@code gpu}: a
 * role with {@code nodeLabel: gpu} runs only there, the others only on the unlabelled node.
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class NodeLabelIT {

  private static ClusterHarness harness;
  /** The labelled NodeManager's web port, as ":port". */
  private static String labelledNode;

  @BeforeAll
  static void startCluster() throws Exception {
    Path labels = Path.of("target", "it", "labels", "store").toAbsolutePath();
    harness = ClusterHarness.start("labels", 2, false, Map.of(
        "yarn.node-labels.enabled", "true",
        "yarn.node-labels.fs-store.root-dir", labels.toUri().toString()));
    ResourceManager rm = harness.cluster.yarn().getResourceManager();
    RMNodeLabelsManager labelsManager = rm.getRMContext().getNodeLabelManager();
    labelsManager.addToCluserNodeLabelsWithDefaultExclusivity(Set.of("gpu"));
    NodeId node = harness.cluster.yarn().getNodeManager(0).getNMContext().getNodeId();
    labelsManager.replaceLabelsOnNode(Map.of(node, Set.of("gpu")));
    labelledNode = ":" + harness.cluster.yarn().getNodeManager(0).getNMContext().getHttpPort();
    // The default queue may use the gpu partition (queues learn their labels on reinitialization).
    Configuration queues = new Configuration(rm.getConfig());
    queues.set("yarn.scheduler.capacity.root.accessible-node-labels", "gpu");
    queues.set("yarn.scheduler.capacity.root.accessible-node-labels.gpu.capacity", "100");
    queues.set("yarn.scheduler.capacity.root.default.accessible-node-labels", "gpu");
    queues.set("yarn.scheduler.capacity.root.default.accessible-node-labels.gpu.capacity", "100");
    ((CapacityScheduler) rm.getResourceScheduler()).reinitialize(queues, rm.getRMContext());
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void labelledWorkersRunOnTheLabelledNodeOnly() throws Exception {
    Path spec = harness.spec("labelled.yaml", ClusterHarness.counterSpec("labelled", 1, 2, 100, 2, List.of())
        .replace("worker: {instances: 2, memory: 128m,", "worker: {instances: 2, memory: 128m, nodeLabel: gpu,"));
    Path report = harness.work.resolve("labelled-report.json");

    ClusterHarness.Run run = harness.psyarn("submit", spec.toString(), "--wait", "--report", report.toString());

    assertEquals(ExitCodes.OK, run.exitCode(), run.err());
    JsonNode r = ClusterHarness.JSON.readTree(Files.readString(report));
    Set<String> workerNodes = new HashSet<>();
    for (JsonNode c : r.path("containers")) {
      String logs = c.path("logs").asText();
      // The NodeManagers share a host name here; their web ports tell them apart.
      String node = logs.substring(logs.lastIndexOf(':', logs.indexOf("/node/")), logs.indexOf("/node/"));
      if ("worker".equals(c.path("role").asText())) {
        workerNodes.add(node);
      } else {
        assertNotEquals(labelledNode, node, "unlabelled roles stay off the gpu node: " + c);
      }
    }
    assertEquals(Set.of(labelledNode), workerNodes, "both workers on the gpu node");
  }
}
