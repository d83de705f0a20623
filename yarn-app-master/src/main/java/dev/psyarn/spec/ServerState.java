package dev.psyarn.spec;

import dev.psyarn.specs.SpecNode;

/**
 * How servers keep their key ranges beyond their JVM: the spec's {@code checkpoint} section and
 * {@code resumeFrom}.
 *
 * <pre>
 * checkpoint:
 *   everyClocks: 20          # a consistent snapshot every 20 clock ticks (counter: rounds; sparse-lr: steps)
 *   everySeconds: 60         # or one about every 60 s, at a clock the AM picks (one of the two)
 *   keep: 2                  # complete checkpoints kept (older ones are deleted)
 *   dir: hdfs:///ckpt        # default: checkpoints/ in the application's staging directory
 * resumeFrom: hdfs:///ckpt/application_..._0001   # a checkpoint (or a root: its newest) to start from
 * replication: 1             # each key range also held by the next server(s): nothing acknowledged is lost
 * </pre>
 *
 * @param everyClocks clock ticks between checkpoints; 0 when the spec has none or paces them by time
 * @param everySeconds seconds between checkpoints the AM asks for; 0 when paced by clocks or none
 * @param keep complete checkpoints kept
 * @param dir the checkpoint root, or null for the staging directory's; each application writes
 *     under its own id there
 * @param resumeFrom a checkpoint to start the servers from, or null
 * @param replication k: how many servers after each range's own hold it too (0: none)
 */
public record ServerState(int everyClocks, double everySeconds, int keep, String dir, String resumeFrom,
    int replication) {

  public static final ServerState NONE = new ServerState(0, 0, 2, null, null, 0);

  /** Whether servers write checkpoints, so a replaced server can restore its ranges. */
  public boolean checkpoints() {
    return everyClocks > 0 || everySeconds > 0;
  }

  /** Whether a lost server's ranges can be had again: from replicas or a checkpoint. */
  public boolean recoverable() {
    return checkpoints() || replication > 0;
  }

  /**
   * The checkpoint root of one application: {@code checkpoints/} in its staging directory (whose
   * name is the application's id), or the application's id under {@code dir}.
   */
  public String checkpointRoot(String stagingDir) {
    String applicationId = stagingDir.substring(stagingDir.lastIndexOf('/') + 1);
    return dir != null ? dir.replaceAll("/+$", "") + "/" + applicationId : stagingDir + "/checkpoints";
  }

  static ServerState read(SpecNode root, int servers) {
    int replication = root.integerOr("replication", 0, 0, 16);
    if (replication > 0 && replication >= servers) {
      throw root.error("replication", "each range is held by " + (replication + 1) + " servers but the job has "
          + servers + "; use at most " + (servers - 1) + " or add servers");
    }
    String resumeFrom = root.has("resumeFrom") ? root.text("resumeFrom") : null;
    if (resumeFrom != null && resumeFrom.isBlank()) {
      throw root.error("resumeFrom", "must name a checkpoint directory (or a root holding checkpoints)");
    }
    if (!root.has("checkpoint")) {
      return new ServerState(0, 0, 2, null, resumeFrom, replication);
    }
    SpecNode node = root.object("checkpoint");
    node.allowOnly("everyClocks", "everySeconds", "keep", "dir");
    if (node.has("everyClocks") == node.has("everySeconds")) {
      throw node.error("everyClocks", "give one of everyClocks (clock ticks between checkpoints: rounds of the "
          + "counter, steps of sparse-lr) or everySeconds (about how often, at a clock the AM picks)");
    }
    int every = node.has("everyClocks") ? node.integerOr("everyClocks", 0, 1, 1_000_000) : 0;
    double seconds = node.has("everySeconds") ? node.decimal("everySeconds", 0) : 0;
    if (node.has("everySeconds") && !(seconds >= 1 && seconds <= 86_400)) {
      throw node.error("everySeconds", "must be from 1 to 86400 seconds, got " + seconds);
    }
    int keep = node.integerOr("keep", 2, 1, 1000);
    String dir = node.has("dir") ? node.text("dir") : null;
    if (dir != null && dir.isBlank()) {
      throw node.error("dir", "must name a directory, or be left out for the staging directory's checkpoints/");
    }
    return new ServerState(every, seconds, keep, dir, resumeFrom, replication);
  }
}
