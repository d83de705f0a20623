package dev.psyarn.am;

import dev.psyarn.spec.Role;
import java.util.Map;

/**
 * What the AM knows of one container, as shown on the status page and in the report.
 *
 * @param role its role
 * @param index its index within the role
 * @param id the YARN container id
 * @param host the NodeManager host
 * @param nodeHttpAddress the NodeManager's web address, for the log link
 * @param state ALLOCATED, STARTED, REGISTERED, FINISHED (reported results), COMPLETED (exited)
 * @param exitCode the exit status once completed, else null
 * @param diagnostics YARN's diagnostics once completed
 * @param metrics the latest metrics from its heartbeats
 */
public record TrackedContainer(Role role, int index, String id, String host, String nodeHttpAddress,
    String state, Integer exitCode, String diagnostics, Map<String, Double> metrics) {

  public TrackedContainer {
    metrics = Map.copyOf(metrics);
  }

  TrackedContainer withState(String newState) {
    return new TrackedContainer(role, index, id, host, nodeHttpAddress, newState, exitCode, diagnostics, metrics);
  }

  TrackedContainer completed(int exit, String diag) {
    return new TrackedContainer(role, index, id, host, nodeHttpAddress, "COMPLETED", exit, diag, metrics);
  }

  TrackedContainer withMetrics(Map<String, Double> latest) {
    return new TrackedContainer(role, index, id, host, nodeHttpAddress, state, exitCode, diagnostics, latest);
  }
}
