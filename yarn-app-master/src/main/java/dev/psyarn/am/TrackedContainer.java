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
 * @param state where it is in its life
 * @param exitCode the exit status once completed, else null
 * @param diagnostics YARN's diagnostics once completed (and the AM's reason where it stopped it)
 * @param metrics the latest metrics from its heartbeats
 * @param restarts how many containers held its role and index before it
 * @param reason why it ended, once it has; or why the AM is stopping it
 * @param sinceMs when it entered its state, or its last heartbeat (AM clock)
 */
public record TrackedContainer(Role role, int index, String id, String host, String nodeHttpAddress,
    ContainerState state, Integer exitCode, String diagnostics, Map<String, Double> metrics, int restarts,
    ExitReason reason, long sinceMs) {

  public TrackedContainer {
    metrics = Map.copyOf(metrics);
  }

  TrackedContainer withState(ContainerState newState, long nowMs) {
    return new TrackedContainer(role, index, id, host, nodeHttpAddress, newState, exitCode, diagnostics, metrics,
        restarts, reason, nowMs);
  }

  /** The AM is stopping it for {@code why}; its exit will be read as that reason. */
  TrackedContainer stopping(ExitReason why, String detail, long nowMs) {
    return new TrackedContainer(role, index, id, host, nodeHttpAddress, ContainerState.STOPPING, exitCode, detail,
        metrics, restarts, why, nowMs);
  }

  TrackedContainer completed(int exit, String diag, ExitReason why, long nowMs) {
    String all = diagnostics != null && state == ContainerState.STOPPING ? diagnostics + ". " + diag : diag;
    return new TrackedContainer(role, index, id, host, nodeHttpAddress, ContainerState.COMPLETED, exit, all, metrics,
        restarts, why, nowMs);
  }

  TrackedContainer withMetrics(Map<String, Double> latest) {
    return new TrackedContainer(role, index, id, host, nodeHttpAddress, state, exitCode, diagnostics, latest,
        restarts, reason, sinceMs);
  }

  /** A heartbeat arrived now. */
  TrackedContainer heard(Map<String, Double> latest, long nowMs) {
    return new TrackedContainer(role, index, id, host, nodeHttpAddress, state, exitCode, diagnostics, latest,
        restarts, reason, nowMs);
  }
}
