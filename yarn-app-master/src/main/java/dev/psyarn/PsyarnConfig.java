package dev.psyarn;

import org.apache.hadoop.conf.Configuration;

/**
 * Every configuration key psyarn reads (set with {@code -D key=value} or in the cluster's
 * configuration), each with its default and what it does.
 */
public final class PsyarnConfig {

  /**
   * Whether jobs whose spec does not say ({@code security.tls}) run both planes in TLS, with a
   * certificate made for each application at submission. Default: false.
   */
  public static final String TLS = "psyarn.security.tls";

  /** The distribution jar to stage; default: the jar this class was loaded from. */
  public static final String JAR = "psyarn.jar";

  /**
   * The classpath containers use for Hadoop's jars instead of {@code yarn.application.classpath};
   * local mode sets it to its own classpath. Default: unset.
   */
  public static final String CONTAINER_HADOOP_CLASSPATH = "psyarn.container.hadoop-classpath";

  /**
   * Whether servers, and workers that read only shards, get only the jars of
   * {@link #CONTAINER_HADOOP_CLASSPATH} their code runs on ({@code dev.psyarn.runtime.RoleClasspath});
   * roles that run an app's own jars, or read input files, get all of it. Default: true.
   */
  public static final String CONTAINER_LEAN_CLASSPATH = "psyarn.container.lean-classpath";

  /** How often the AM heartbeats to the ResourceManager, in ms. */
  public static final String AM_RM_HEARTBEAT_MS = "psyarn.am.rm-heartbeat-ms";
  public static final int AM_RM_HEARTBEAT_MS_DEFAULT = 1000;
  /**
   * While containers are asked for and not yet given, the AM's first heartbeat after an ask comes
   * this soon (ms), each next one twice as late, up to {@link #AM_RM_HEARTBEAT_MS} (default 50).
   */
  public static final String AM_RM_HEARTBEAT_WAITING_MS = "psyarn.am.rm-heartbeat-waiting-ms";
  public static final int AM_RM_HEARTBEAT_WAITING_MS_DEFAULT = 50;

  /**
   * Extra JVM options for the ApplicationMaster (whitespace-separated), as MapReduce's
   * {@code yarn.app.mapreduce.am.command-opts}; the heap comes from the spec's {@code am.memory}.
   */
  public static final String AM_JAVA_OPTS = "psyarn.am.java-opts";

  /** How often containers heartbeat to the AM, in ms. */
  /**
   * Where preprocessing output is kept for reuse by jobs with the same section, shard count and
   * inputs (default: {@code .psyarn/preprocess-cache} in the home directory); empty: not kept.
   */
  public static final String PREPROCESS_CACHE_DIR = "psyarn.preprocess.cache-dir";
  /** {@link #PREPROCESS_CACHE_DIR}'s "not kept", as it travels to the AM (also accepted from users). */
  public static final String PREPROCESS_CACHE_OFF = "none";

  /**
   * The client's configuration as the AM must read it from the staged XML files: an empty
   * {@link #PREPROCESS_CACHE_DIR} (not kept) becomes {@link #PREPROCESS_CACHE_OFF}, as Hadoop's XML
   * loading drops an empty value and the AM would fall back to the default.
   */
  public static Configuration forStaging(Configuration conf) {
    String dir = conf.get(PREPROCESS_CACHE_DIR);
    if (dir == null || !dir.isBlank()) {
      return conf;
    }
    Configuration staged = new Configuration(conf);
    staged.set(PREPROCESS_CACHE_DIR, PREPROCESS_CACHE_OFF);
    return staged;
  }

  /**
   * Whether the servers may start while preprocessing runs, when the queue has room for them and
   * for the preprocessing jobs besides (default true; see {@code EarlyServers}); false: they are
   * asked for once the shards are written.
   */
  public static final String SERVERS_DURING_PREPROCESSING = "psyarn.am.servers-during-preprocessing";

  /**
   * With the preprocessing stage in the AM, the workers are asked for once its progress reaches
   * this fraction (default 0.9), and wait for the shards; 1: once it ends.
   */
  public static final String WORKERS_AT_PROGRESS = "psyarn.am.workers-at-progress";

  /** {@link #WORKERS_AT_PROGRESS} as set, or {@code byDefault}; a value outside 0 to 1 is refused, naming the key. */
  public static float workersAtProgress(Configuration conf, float byDefault) {
    String set = conf.getTrimmed(WORKERS_AT_PROGRESS);
    if (set == null || set.isEmpty()) {
      return byDefault;
    }
    float at;
    try {
      at = Float.parseFloat(set);
    } catch (NumberFormatException e) {
      at = Float.NaN;
    }
    if (!(at >= 0 && at <= 1)) {
      throw new IllegalArgumentException(WORKERS_AT_PROGRESS + " is the preprocessing progress (a fraction from 0 "
          + "to 1) at which the workers are asked for; got \"" + set + "\"");
    }
    return at;
  }

  /**
   * {@code preprocess.runIn: auto} runs the stage's jobs inside the ApplicationMaster (MapReduce's
   * LocalJobRunner) when the input files hold at most this many MiB (default 64; 0: never).
   */
  public static final String PREPROCESS_IN_AM_MAX_MB = "psyarn.preprocess.in-am.max-mb";
  public static final int PREPROCESS_IN_AM_MAX_MB_DEFAULT = 64;

  /**
   * Whether {@code preprocess.runIn: auto} also runs a larger input's jobs inside the AM when the
   * cluster is one NodeManager and the AM's vcores cover its host's cores (default true): the
   * cluster's task JVMs would run on those same cores, beside a MapReduce AM of their own (30 M
   * flights rows on two cores: 30 s in the AM against 48 s in task JVMs). The AM's heap must still
   * hold the jobs ({@code Preprocess.inProcessHeapBytes}).
   */
  public static final String PREPROCESS_IN_AM_ONE_NODE = "psyarn.preprocess.in-am.one-node";

  /**
   * The NodeManagers the cluster ran when the job was submitted: set by the client in the AM's
   * configuration (absent: not known).
   */
  public static final String CLUSTER_NODES_AT_SUBMISSION = "psyarn.cluster.nodes-at-submission";

  /**
   * Whether psyarn's jars are kept on the cluster file system across submissions
   * ({@code .psyarn/jars/<sha-256>}, localized once per user and node; default true); false: each
   * application uploads its own copy.
   */
  public static final String JAR_CACHE = "psyarn.jar-cache.enabled";
  /**
   * Where the kept jars live: a directory of any Hadoop file system the NodeManagers read (default
   * {@code .psyarn/jars} in the home directory of the cluster file system). {@code psyarn local}
   * keeps them beside its runs on the local file system, so a run uploads nothing to its new HDFS.
   */
  public static final String JAR_CACHE_DIR = "psyarn.jar-cache.dir";
  /** Kept jars that no submission used for this many days are removed (default 30; 0: never). */
  public static final String JAR_CACHE_MAX_AGE_DAYS = "psyarn.jar-cache.max-age-days";
  /**
   * Whether the AM's and the native containers' JVMs start with a class data sharing archive of
   * psyarn's and Hadoop's classes kept on each node (dev.psyarn.runtime.ClassDataSharing; default
   * true; needs the kept jars of {@link #JAR_CACHE}). The first container of a kind on a node makes it.
   */
  public static final String CDS_ENABLED = "psyarn.cds.enabled";
  /** The node's directory of archives (default: /tmp/psyarn-cds-&lt;user&gt;, owner-only). */
  public static final String CDS_DIR = "psyarn.cds.dir";
  public static final String CONTAINER_HEARTBEAT_MS = "psyarn.container.heartbeat-ms";
  public static final int CONTAINER_HEARTBEAT_MS_DEFAULT = 1000;

  /**
   * How long a container waits for the AM's next attempt after losing the AM, in seconds (jobs with
   * {@code maxAppAttempts} above 1; with one attempt a lost AM ends every container at once).
   */
  public static final String CONTAINER_AM_PATIENCE_SECONDS = "psyarn.container.am-patience-seconds";
  public static final int CONTAINER_AM_PATIENCE_SECONDS_DEFAULT = 600;

  /** How often {@code submit --wait} and {@code local} poll the ResourceManager, in ms. */
  public static final String CLIENT_POLL_MS = "psyarn.client.poll-ms";

  /**
   * How long a client command (status, list, kill, flex, submit) keeps trying to reach the
   * ResourceManager before it gives up with exit 5; Hadoop's own default is 15 minutes.
   */
  public static final String CLIENT_RM_TIMEOUT_SECONDS = "psyarn.client.rm-timeout-seconds";
  public static final int CLIENT_RM_TIMEOUT_SECONDS_DEFAULT = 30;
  public static final int CLIENT_POLL_MS_DEFAULT = 1000;

  /** Users and groups (YARN ACL syntax) who may view the application besides owner and admins. */
  public static final String ACL_VIEW = "psyarn.acl.view";
  public static final String ACL_VIEW_DEFAULT = " ";

  /**
   * The application's ACLs, the same for the AM's container and every other one: viewers from
   * {@link #ACL_VIEW}; modifying (kill, flex) is for the owner and YARN's admins only.
   */
  public static java.util.Map<org.apache.hadoop.yarn.api.records.ApplicationAccessType, String> applicationAcls(
      org.apache.hadoop.conf.Configuration conf) {
    return java.util.Map.of(
        org.apache.hadoop.yarn.api.records.ApplicationAccessType.VIEW_APP, conf.get(ACL_VIEW, ACL_VIEW_DEFAULT),
        org.apache.hadoop.yarn.api.records.ApplicationAccessType.MODIFY_APP, " ");
  }

  /** Where staging directories live on the cluster file system; default: {@code ~/.psyarn}. */
  public static final String STAGING_ROOT = "psyarn.staging.root";

  private PsyarnConfig() {}
}
