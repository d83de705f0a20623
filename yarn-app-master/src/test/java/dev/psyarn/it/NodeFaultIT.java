package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.cli.ExitCodes;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.server.nodemanager.NodeManager;
import org.apache.hadoop.yarn.server.resourcemanager.ResourceManager;
import org.apache.hadoop.yarn.server.resourcemanager.nodelabels.RMNodeLabelsManager;
import org.apache.hadoop.yarn.server.resourcemanager.scheduler.capacity.CapacityScheduler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults of whole nodes, on three NodeManagers: node 0 is labelled {@code stable} and holds the AM
 * and the servers; workers run on nodes 1 and 2. A node where a worker fails is blacklisted and
 * its replacement goes to the other; a NodeManager that stops takes its workers with it, and they
 * are replaced without counting against the restart limit. The counter stays exact.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class NodeFaultIT {

  private static final int KEYS = 2000;
  private static final int ROUNDS = 40;
  private static ClusterHarness harness;

  @BeforeAll
  static void startCluster() throws Exception {
    Path labels = Path.of("target", "it", "node-faults-labels").toAbsolutePath();
    harness = ClusterHarness.start("node-faults", 3, false, Map.of(
        "yarn.node-labels.enabled", "true",
        "yarn.node-labels.fs-store.root-dir", labels.toUri().toString(),
        // Several NodeManagers share this host: the scheduler tells them apart by port.
        "yarn.scheduler.include-port-in-node-name", "true",
        "yarn.nm.liveness-monitor.expiry-interval-ms", "3000"));
    ResourceManager rm = harness.cluster.yarn().getResourceManager();
    RMNodeLabelsManager labelsManager = rm.getRMContext().getNodeLabelManager();
    labelsManager.addToCluserNodeLabelsWithDefaultExclusivity(Set.of("stable"));
    labelsManager.replaceLabelsOnNode(Map.of(nm(0).getNMContext().getNodeId(), Set.of("stable")));
    Configuration queues = new Configuration(rm.getConfig());
    queues.set("yarn.scheduler.capacity.root.accessible-node-labels", "stable");
    queues.set("yarn.scheduler.capacity.root.accessible-node-labels.stable.capacity", "100");
    queues.set("yarn.scheduler.capacity.root.default.accessible-node-labels", "stable");
    queues.set("yarn.scheduler.capacity.root.default.accessible-node-labels.stable.capacity", "100");
    ((CapacityScheduler) rm.getResourceScheduler()).reinitialize(queues, rm.getRMContext());
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  private static NodeManager nm(int i) {
    return harness.cluster.yarn().getNodeManager(i);
  }

  private static String spec(String name, String workerSettings, String top) {
    String base = ClusterHarness.counterSpec(name, 1, 2, KEYS, ROUNDS, List.of())
        .replace("am: {memory: 256m}", "am: {memory: 256m, nodeLabel: stable}")
        .replace("server: {instances: 1,", "server: {instances: 1, nodeLabel: stable,")
        .replace("rounds: " + ROUNDS + "}", "rounds: " + ROUNDS + ", pauseMs: 150}");
    return top + ClusterHarness.withWorkerSettings(base, workerSettings);
  }

  @Test
  @Order(1)
  void aNodeWhereAWorkerFailedIsBlacklistedAndItsReplacementRunsElsewhere() throws Exception {
    String app = WorkerFaultIT.submit(harness, "blacklist.yaml",
        spec("blacklist-it", "restart: {backoffSeconds: 0.2}", "blacklist: {maxFailuresPerNode: 1}\n"));
    JsonNode victim = WorkerFaultIT.awaitPushingWorker(harness, app, 0, KEYS);
    int node = nodeManagerOf(victim);
    WorkerFaultIT.signal(WorkerFaultIT.pidOf(victim.path("id").asText()), "KILL");

    JsonNode job = WorkerFaultIT.awaitEnd(harness, app);
    WorkerFaultIT.assertExact(job, KEYS, 2, ROUNDS);
    String victimNode = nm(node).getNMContext().getNodeId().toString();
    assertEquals(List.of(victimNode), List.of(job.path("blacklistedNodes").get(0).asText()),
        job.path("blacklistedNodes").toString());
    JsonNode replacement = WorkerFaultIT.slot(job, 0).get(1);
    assertNotEquals(node, nodeManagerOf(replacement), "the replacement avoids the blacklisted node: " + replacement);
  }

  @Test
  @Order(2)
  void workersLostWithAStoppedNodeManagerAreReplacedWithoutCountingAsFailures() throws Exception {
    // maxRestarts 0: any failure of the application's own would fail the job; a lost node must not.
    String app = WorkerFaultIT.submit(harness, "node-lost.yaml",
        spec("node-lost-it", "restart: {maxRestarts: 0, backoffSeconds: 0.2}", ""));
    JsonNode victim = WorkerFaultIT.awaitPushingWorker(harness, app, 1, KEYS);
    int node = nodeManagerOf(victim);
    assertNotEquals(0, node, "workers stay off the stable node");
    nm(node).stop();

    JsonNode job = WorkerFaultIT.awaitEnd(harness, app);
    WorkerFaultIT.assertExact(job, KEYS, 2, ROUNDS);
    JsonNode lost = WorkerFaultIT.slot(job, 1).get(0);
    assertEquals("NODE_LOST", lost.path("reason").asText(), lost.toString());
    assertTrue(job.path("restarts").path("worker").asInt() >= 1, job.path("restarts").toString());
    for (JsonNode c : job.path("containers")) {
      if (c.path("exitCode").asInt() == 0) {
        assertNotEquals(node, nodeManagerOf(c), "what finished ran on a live node: " + c);
      }
    }
  }

  /** Which NodeManager a container of the report ran on, by the web port in its log link. */
  private static int nodeManagerOf(JsonNode container) {
    String logs = container.path("logs").asText();
    int port = Integer.parseInt(logs.substring(logs.lastIndexOf(':', logs.indexOf("/node/")) + 1, logs.indexOf("/node/")));
    for (int i = 0; i < 3; i++) {
      if (nm(i).getNMContext().getHttpPort() == port) {
        return i;
      }
    }
    throw new AssertionError("no NodeManager serves " + logs);
  }
}
