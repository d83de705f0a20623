package dev.psyarn.am;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Failures of the job's containers by node, and the nodes the AM has stopped placing containers
 * on: after {@code maxFailuresPerNode} failures that point at a node (the application's own, or
 * failed disks), the node is blacklisted, as MapReduce's AM and Spark's excludeOnFailure do. Event
 * thread only.
 */
final class NodeHealth {

  private final int maxFailuresPerNode;
  private final Map<String, String> nodeOf = new HashMap<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private final Set<String> blacklisted = new LinkedHashSet<>();

  /** {@code maxFailuresPerNode} 0 never blacklists. */
  NodeHealth(int maxFailuresPerNode) {
    this.maxFailuresPerNode = maxFailuresPerNode;
  }

  /** The container runs on {@code node} (its name as the scheduler knows it). */
  void placed(String containerId, String node) {
    nodeOf.put(containerId, node);
  }

  /** The node of a container, or null. */
  String nodeOf(String containerId) {
    return nodeOf.get(containerId);
  }

  /**
   * Records how a container ended; returns the node to blacklist when this failure is the one
   * that passes its limit, else null.
   */
  String failed(String containerId, ExitReason reason) {
    String node = nodeOf.get(containerId);
    boolean pointsAtNode = reason.applicationFault() || reason == ExitReason.DISKS_FAILED;
    if (node == null || !pointsAtNode || maxFailuresPerNode == 0 || blacklisted.contains(node)) {
      return null;
    }
    int n = failures.merge(node, 1, Integer::sum);
    if (n >= maxFailuresPerNode) {
      blacklisted.add(node);
      return node;
    }
    return null;
  }

  /** How many failures pointed at the node. */
  int failuresOn(String node) {
    return failures.getOrDefault(node, 0);
  }

  List<String> blacklisted() {
    return new ArrayList<>(blacklisted);
  }
}
