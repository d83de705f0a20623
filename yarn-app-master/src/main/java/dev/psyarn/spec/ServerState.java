package dev.psyarn.spec;

import dev.psyarn.specs.SpecNode;

/**
 * How servers keep their key ranges beyond their JVM: the spec's {@code checkpoint} section and
 * {@code resumeFrom}.
 *
 * <pre>
 * checkpoint:
 *   everyClocks: 20          # a consistent snapshot every 20 clock ticks (counter: rounds; sparse-lr: steps)
 *   keep: 2                  # complete checkpoints kept (older ones are deleted)
 *   dir: hdfs:///ckpt        # default: checkpoints/ in the application's staging directory
 * resumeFrom: hdfs:///ckpt/application_..._0001   # a checkpoint (or a root: its newest) to start from
 * </pre>
 *
 * @param everyClocks clock ticks between checkpoints; 0 when the spec has none
 * @param keep complete checkpoints kept
 * @param dir the checkpoint root, or null for the staging directory's; each application writes
 *     under its own id there
 * @param resumeFrom a checkpoint to start the servers from, or null
 */
public record ServerState(int everyClocks, int keep, String dir, String resumeFrom) {

  public static final ServerState NONE = new ServerState(0, 2, null, null);

  /** Whether servers write checkpoints, so a replaced server can restore its ranges. */
  public boolean checkpoints() {
    return everyClocks > 0;
  }

  /**
   * The checkpoint root of one application: {@code checkpoints/} in its staging directory (whose
   * name is the application's id), or the application's id under {@code dir}.
   */
  public String checkpointRoot(String stagingDir) {
    String applicationId = stagingDir.substring(stagingDir.lastIndexOf('/') + 1);
    return dir != null ? dir.replaceAll("/+$", "") + "/" + applicationId : stagingDir + "/checkpoints";
  }

  static ServerState read(SpecNode root) {
    String resumeFrom = root.has("resumeFrom") ? root.text("resumeFrom") : null;
    if (resumeFrom != null && resumeFrom.isBlank()) {
      throw root.error("resumeFrom", "must name a checkpoint directory (or a root holding checkpoints)");
    }
    if (!root.has("checkpoint")) {
      return new ServerState(0, 2, null, resumeFrom);
    }
    SpecNode node = root.object("checkpoint");
    node.allowOnly("everyClocks", "keep", "dir");
    if (!node.has("everyClocks")) {
      throw node.error("everyClocks", "required: how many clock ticks between checkpoints (rounds of the counter, "
          + "steps of sparse-lr)");
    }
    int every = node.integerOr("everyClocks", 0, 1, 1_000_000);
    int keep = node.integerOr("keep", 2, 1, 1000);
    String dir = node.has("dir") ? node.text("dir") : null;
    if (dir != null && dir.isBlank()) {
      throw node.error("dir", "must name a directory, or be left out for the staging directory's checkpoints/");
    }
    return new ServerState(every, keep, dir, resumeFrom);
  }
}
