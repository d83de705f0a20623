package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import org.apache.hadoop.conf.Configuration;

/**
 * What the preprocessing jobs set for themselves when they run on the cluster (not in this
 * process): a job of one split inside its MapReduce AM, and the map tasks' JIT flags. Whatever the
 * user set stands.
 */
final class ClusterJobSettings {

  /**
   * JVM flags put before the map tasks' own options ({@code mapreduce.map.java.opts}, whose flags
   * come later and so win) on the cluster; empty adds none. By default C2, the JIT's optimizing
   * compiler, takes a method at ten times the calls and loops it would: the map's hot loop still
   * gets it within its first rows, and a task JVM compiles half as much (30 M flights rows on two
   * map threads: 3.3–3.6 s of compilation against 6.2–7.7 s, about 4 CPU seconds less a JVM).
   */
  public static final String MAP_JVM_FLAGS = "psyarn.preprocess.map.jvm-flags";
  static final String MAP_JVM_FLAGS_DEFAULT = String.join(" ", dev.psyarn.runtime.JvmProfile.SELECTIVE_C2);
  static final String MAP_JAVA_OPTS = "mapreduce.map.java.opts";
  /**
   * JVM flags put before the MapReduce AM's own options ({@code yarn.app.mapreduce.am.command-opts})
   * of the preprocessing jobs on the cluster; empty adds none. By default the same C2 thresholds as
   * the map tasks' ({@link #MAP_JVM_FLAGS_DEFAULT}; an uber task runs the map in the AM's JVM): the
   * AM's start, a few seconds of both cores, compiles less (about 1.4 s less to the first map task).
   */
  public static final String AM_JVM_FLAGS = "psyarn.preprocess.am.jvm-flags";
  static final String AM_COMMAND_OPTS = "yarn.app.mapreduce.am.command-opts";
  /** MapReduce's own default for {@link #AM_COMMAND_OPTS}, kept after the flags when it is not set. */
  static final String AM_COMMAND_OPTS_DEFAULT = "-Xmx1024m";
  static final String UBER = "mapreduce.job.ubertask.enable";
  static final String UBER_MAX_MAPS = "mapreduce.job.ubertask.maxmaps";

  private ClusterJobSettings() {}

  /**
   * A stage of one split runs inside its MapReduce AM (MapReduce's uber task): no task container to
   * ask for and no task JVM to start. One split only, so a larger input keeps its map tasks side by
   * side; MapReduce itself still checks the size ({@code mapreduce.job.ubertask.maxbytes}, a block
   * by default) and that the task fits in the AM. Settings the user made stand, and a spec with a
   * runtime is left alone (the AM's container is not in the tasks' image).
   */
  static void smallJobsInTheirAm(Configuration conf, PreprocessSpec spec) {
    if (spec.runtime() != null || setByUser(conf, UBER)) {
      return;
    }
    conf.setBoolean(UBER, true);
    if (!setByUser(conf, UBER_MAX_MAPS)) {
      conf.setInt(UBER_MAX_MAPS, 1);
    }
  }

  /**
   * Puts {@link #MAP_JVM_FLAGS} before the map tasks' JVM options (MapReduce's own fallback, {@code
   * mapred.child.java.opts}, when they are not set), so that any flag of the user's wins.
   */
  static void mapJvmFlags(Configuration conf) {
    prepend(conf, MAP_JAVA_OPTS, conf.get(MAP_JVM_FLAGS, MAP_JVM_FLAGS_DEFAULT),
        conf.get(MAP_JAVA_OPTS, conf.get("mapred.child.java.opts", "")));
  }

  /** Puts {@link #AM_JVM_FLAGS} before the MapReduce AM's JVM options, so that any flag of the user's wins. */
  static void amJvmFlags(Configuration conf) {
    prepend(conf, AM_COMMAND_OPTS, conf.get(AM_JVM_FLAGS, MAP_JVM_FLAGS_DEFAULT),
        conf.get(AM_COMMAND_OPTS, AM_COMMAND_OPTS_DEFAULT));
  }

  private static void prepend(Configuration conf, String key, String flags, String own) {
    flags = flags.trim();
    own = own.trim();
    if (!flags.isEmpty()) {
      conf.set(key, own.isEmpty() ? flags : flags + " " + own);
    }
  }

  /**
   * Whether a setting comes from the user (a site file, {@code -D}, the code that made the
   * configuration), not from MapReduce's own defaults.
   */
  static boolean setByUser(Configuration conf, String key) {
    String[] sources = conf.getPropertySources(key);
    if (sources == null) {
      return false;
    }
    for (String source : sources) {
      if (!source.endsWith("-default.xml")) {
        return true;
      }
    }
    return false;
  }
}
