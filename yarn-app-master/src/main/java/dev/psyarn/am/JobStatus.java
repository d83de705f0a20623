package dev.psyarn.am;

import java.util.List;
import java.util.Map;

/**
 * The job as the status page, {@code /api/v1/status}, {@code psyarn status} and the run report
 * show it. Serialized with Jackson; field names are part of the documented JSON.
 *
 * @param applicationId the YARN application id
 * @param name the job's name
 * @param state the AM's lifecycle state
 * @param finalStatus SUCCEEDED, FAILED, KILLED or UNDEFINED while running
 * @param progress 0 to 1
 * @param diagnostics why it ended, once it has
 * @param containers every container, replaced ones included
 * @param restarts replacements asked for, by role
 * @param blacklistedNodes nodes the job no longer places containers on, after failures there
 * @param instances desired and running containers by role ({@code psyarn flex} changes the desired)
 * @param timings milliseconds from submission to each milestone
 * @param metrics the app's results
 * @param preprocess the MapReduce preprocessing: its state, each job's id and progress, and its
 *     figures once done (null for a job without preprocessing)
 */
public record JobStatus(String applicationId, String name, String state, String finalStatus, float progress,
    String diagnostics, List<ContainerRow> containers, Map<String, Integer> restarts, List<String> blacklistedNodes,
    Map<String, Map<String, Integer>> instances, Map<String, Long> timings, Map<String, Object> metrics,
    Map<String, Object> preprocess) {

  /**
   * When the preprocessing output was an earlier run's, kept in the cache, what to tell the user
   * ({@code reused}, with the {@code madeBy} and {@code madeAt} of its report where known); else null.
   */
  public static String reuseNote(Map<String, Object> preprocess) {
    if (preprocess == null || !Boolean.TRUE.equals(preprocess.get("reused"))) {
      return null;
    }
    Object by = preprocess.get(PreprocessCache.MADE_BY);
    Object at = preprocess.get(PreprocessCache.MADE_AT);
    return "reused the output of " + (by != null ? by : "an earlier job") + (at != null ? ", made " + at : "")
        + " (same inputs, section and shard count; no MapReduce job ran now)";
  }

  /**
   * One container's row.
   *
   * @param role server or worker
   * @param index index within the role
   * @param id YARN container id
   * @param host NodeManager host
   * @param runtime native or docker
   * @param state ALLOCATED, STARTED, REGISTERED, FINISHED, STOPPING or COMPLETED ({@link ContainerState})
   * @param exitCode exit status once completed
   * @param restarts how many containers held its role and index before it
   * @param reason why it ended ({@link ExitReason}), once it has
   * @param logs the NodeManager's log page of the container
   * @param diagnostics YARN's diagnostics once it has exited
   * @param metrics the latest metrics from its heartbeats
   */
  public record ContainerRow(String role, int index, String id, String host, String runtime, String state,
      Integer exitCode, int restarts, String reason, String logs, String diagnostics, Map<String, Double> metrics) {}
}
