package dev.psyarn.am;

import dev.psyarn.PsyarnConfig;
import dev.psyarn.mapreduce.jobs.Preprocess;
import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;

/**
 * Where a preprocessing stage's jobs run, and why (the AM's log and the stage's status say it):
 * {@code preprocess.runIn: am} inside the AM, {@code cluster} as MapReduce applications of their own,
 * {@code auto} inside the AM when the tasks have no runtime of their own (the AM's container is not
 * their image), the AM's heap holds the jobs ({@link Preprocess#inProcessHeapBytes}), and either the
 * input holds at most {@link PsyarnConfig#PREPROCESS_IN_AM_MAX_MB} or the cluster is the AM's node
 * alone ({@link PsyarnConfig#PREPROCESS_IN_AM_ONE_NODE}: one NodeManager at submission, whose cores
 * the AM's map tasks cover, so task JVMs could only share them, beside a MapReduce AM).
 *
 * @param inAm whether the jobs run inside the AM
 * @param why the reason, a clause for a log line or the status's {@code ranInBecause}
 */
record PreprocessPlacement(boolean inAm, String why) {

  /** The size of the input, which may not be there (then the stage's run says so). */
  @FunctionalInterface
  interface InputBytes {
    long get() throws Exception;
  }

  /**
   * Decides for {@code pre}, with the AM's heap ({@code heapBytes}), the map tasks it runs at a time
   * ({@code mapThreads}, its vcores) and its host's cores.
   */
  static PreprocessPlacement decide(PreprocessSpec pre, Configuration conf, InputBytes input, long heapBytes,
      int mapThreads, int hostCores) {
    switch (pre.runIn()) {
      case AM:
        return new PreprocessPlacement(true, "preprocess.runIn is am");
      case CLUSTER:
        return new PreprocessPlacement(false, "preprocess.runIn is cluster");
      default:
        break;
    }
    long maxMb = conf.getLong(PsyarnConfig.PREPROCESS_IN_AM_MAX_MB, PsyarnConfig.PREPROCESS_IN_AM_MAX_MB_DEFAULT);
    if (pre.runtime() != null) {
      return new PreprocessPlacement(false, "the map tasks run in a runtime of their own (preprocess.runtime)");
    }
    if (maxMb <= 0) {
      return new PreprocessPlacement(false, PsyarnConfig.PREPROCESS_IN_AM_MAX_MB + " is " + maxMb);
    }
    long bytes;
    try {
      bytes = input.get();
    } catch (Exception e) {
      // The stage's run reports what is wrong with the input, from the cluster path.
      return new PreprocessPlacement(false, "the input's size could not be read (" + e.getMessage() + ")");
    }
    String size = mib(bytes);
    String reason;
    if (bytes <= maxMb << 20) {
      reason = "the input (" + size + ") is within " + PsyarnConfig.PREPROCESS_IN_AM_MAX_MB + " (" + maxMb + " MiB)";
    } else if (oneNodeOfCoresCovered(conf, mapThreads, hostCores)) {
      reason = "the input (" + size + ") is over " + PsyarnConfig.PREPROCESS_IN_AM_MAX_MB + " (" + maxMb
          + " MiB), but the cluster is one NodeManager, whose " + hostCores + " cores the AM's " + mapThreads
          + " map tasks use (task JVMs would share them, beside a MapReduce AM; "
          + PsyarnConfig.PREPROCESS_IN_AM_ONE_NODE + ": false turns this off)";
    } else {
      return new PreprocessPlacement(false, "the input (" + size + ") is over " + PsyarnConfig.PREPROCESS_IN_AM_MAX_MB
          + " (" + maxMb + " MiB)" + clusterSaid(conf, mapThreads, hostCores));
    }
    if (heapBytes < Preprocess.inProcessHeapBytes(bytes)) {
      return new PreprocessPlacement(false, reason + ", but the AM's heap (" + mib(heapBytes) + ") is short of 128 MiB "
          + "and 4 times the input to run the jobs itself; a larger am.memory would");
    }
    return new PreprocessPlacement(true, reason);
  }

  /** {@link #decide}'s answer alone. */
  static boolean inAm(PreprocessSpec pre, Configuration conf, InputBytes input, long heapBytes, int mapThreads,
      int hostCores) {
    return decide(pre, conf, input, heapBytes, mapThreads, hostCores).inAm();
  }

  /** Whether the cluster was one NodeManager at submission, and {@code mapThreads} use every core of its host. */
  private static boolean oneNodeOfCoresCovered(Configuration conf, int mapThreads, int hostCores) {
    return conf.getBoolean(PsyarnConfig.PREPROCESS_IN_AM_ONE_NODE, true)
        && conf.getInt(PsyarnConfig.CLUSTER_NODES_AT_SUBMISSION, 0) == 1 && mapThreads >= hostCores;
  }

  /** What of the cluster kept a large input out of a one-node AM, when that is what it was. */
  private static String clusterSaid(Configuration conf, int mapThreads, int hostCores) {
    int nodes = conf.getInt(PsyarnConfig.CLUSTER_NODES_AT_SUBMISSION, 0);
    if (nodes == 1 && !conf.getBoolean(PsyarnConfig.PREPROCESS_IN_AM_ONE_NODE, true)) {
      return " (" + PsyarnConfig.PREPROCESS_IN_AM_ONE_NODE + " is false)";
    }
    if (nodes == 1) {
      return " and the AM's " + mapThreads + " map tasks would leave some of its host's " + hostCores
          + " cores idle (am.vcores)";
    }
    return nodes > 1 ? " and the cluster has " + nodes + " NodeManagers" : "";
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
  }
}
