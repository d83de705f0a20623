package dev.psyarn.local;

import dev.psyarn.PsyarnConfig;
import dev.psyarn.runtime.HdfsCloseWait;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonConfigurationKeysPublic;
import org.apache.hadoop.hdfs.DFSConfigKeys;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.client.HdfsClientConfigKeys;
import org.apache.hadoop.mapreduce.v2.MiniMRYarnCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * An HDFS and a YARN cluster inside this JVM, sized and tuned for a 2-core machine, on which
 * psyarn runs exactly as on a real cluster. {@link #conf()} is the client configuration.
 */
public final class LocalCluster implements AutoCloseable {

  private final MiniDFSCluster dfs;
  private final MiniYARNCluster yarn;
  private static final String UBER = "mapreduce.job.ubertask.enable";
  private final Configuration conf;
  private final Thread stopOnExit;
  private boolean stopped;

  private LocalCluster(MiniDFSCluster dfs, MiniYARNCluster yarn, Configuration conf) {
    this.dfs = dfs;
    this.yarn = yarn;
    this.conf = conf;
    // Ctrl-C or a kill must not leave the NodeManager's container processes running.
    this.stopOnExit = new Thread(this::stop, "psyarn-local-shutdown");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  /**
   * Starts both clusters.
   *
   * @param workDir where HDFS keeps its blocks (YARN uses ./target below the working directory)
   * @param nodeManagers how many NodeManagers
   * @param overrides settings for both clusters, applied after the tuning
   */
  public static LocalCluster start(File workDir, int nodeManagers, Map<String, String> overrides)
      throws IOException {
    return start(workDir, nodeManagers, overrides, false);
  }

  /**
   * Starts both clusters; {@code withMapReduce} adds MapReduce's shuffle and history server. The
   * ResourceManager's ports are picked free just before it binds them; if another process takes
   * one in between, the start is retried on new ports.
   */
  public static LocalCluster start(File workDir, int nodeManagers, Map<String, String> overrides,
      boolean withMapReduce) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce(workDir, nodeManagers, overrides, withMapReduce);
      } catch (IOException e) {
        if (attempt >= 3 || !causedByBind(e)) {
          throw e;
        }
        org.slf4j.LoggerFactory.getLogger(LocalCluster.class).warn(
            "a port picked for the local ResourceManager was taken before it bound; retrying on new ports: {}", e.toString());
      }
    }
  }

  private static boolean causedByBind(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("BindException")) {
        return true;
      }
    }
    return false;
  }

  private static LocalCluster startOnce(File workDir, int nodeManagers, Map<String, String> overrides,
      boolean withMapReduce) throws IOException {
    String executor = overrides.get(YarnConfiguration.NM_CONTAINER_EXECUTOR);
    Configuration conf = tuned(executor == null || !withMapReduce ? new YarnConfiguration() : pinned(executor));
    overrides.forEach(conf::set);
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(workDir, "dfs").getAbsolutePath());
    MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
    conf.set(CommonConfigurationKeysPublic.FS_DEFAULT_NAME_KEY, dfs.getURI().toString());
    resourceManagerOnFreePorts(conf);
    MiniYARNCluster yarn = withMapReduce ? new MiniMRYarnCluster("psyarn-local", nodeManagers)
        : new MiniYARNCluster("psyarn-local", nodeManagers, 1, 1);
    // MiniMRYarnCluster turns uber tasks off in the configuration it is given; it is a job's
    // setting, and the jobs submitted with the client configuration keep this one.
    String uber = conf.get(UBER);
    try {
      dfs.waitActive();
      yarn.init(conf);
      yarn.start();
      if (!yarn.waitForNodeManagersToConnect(30_000)) {
        throw new IOException(nodeManagers + " NodeManagers did not connect within 30 s");
      }
    } catch (Throwable e) {
      yarn.stop();
      dfs.shutdown();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof IOException io ? io : new IOException("cannot start the local clusters: " + e, e);
    }
    Configuration client = new YarnConfiguration(yarn.getConfig());
    if (uber != null) {
      client.set(UBER, uber);
    }
    client.set(CommonConfigurationKeysPublic.FS_DEFAULT_NAME_KEY, dfs.getURI().toString());
    client.set(PsyarnConfig.CONTAINER_HADOOP_CLASSPATH, System.getProperty("java.class.path"));
    return new LocalCluster(dfs, yarn, client);
  }

  /**
   * MiniMRYarnCluster sets the DefaultContainerExecutor for its NodeManagers unconditionally; a
   * configuration in which an executor the caller chose stays.
   */
  private static Configuration pinned(String executor) {
    return new YarnConfiguration() {
      @Override
      public void set(String name, String value, String source) {
        super.set(name, YarnConfiguration.NM_CONTAINER_EXECUTOR.equals(name) ? executor : value, source);
      }
    };
  }

  /**
   * With ephemeral ports the mini RM hands out tracking URLs with port 0 (its proxy address is
   * read before its web server binds), so the RM gets free ports picked here, and the
   * NodeManagers keep ephemeral ones.
   */
  private static void resourceManagerOnFreePorts(Configuration conf) throws IOException {
    conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, true);
    for (String key : new String[] {YarnConfiguration.RM_ADDRESS, YarnConfiguration.RM_SCHEDULER_ADDRESS,
        YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS, YarnConfiguration.RM_ADMIN_ADDRESS,
        YarnConfiguration.RM_WEBAPP_ADDRESS}) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        conf.set(key, "localhost:" + socket.getLocalPort());
      }
    }
    conf.set(YarnConfiguration.NM_ADDRESS, "localhost:0");
    conf.set(YarnConfiguration.NM_LOCALIZER_ADDRESS, "localhost:0");
    conf.set(YarnConfiguration.NM_WEBAPP_ADDRESS, "localhost:0");
    conf.set(YarnConfiguration.NM_COLLECTOR_SERVICE_ADDRESS, "localhost:0");
  }

  /** The settings that make a mini cluster fast and small on two cores. */
  static Configuration tuned(Configuration conf) {
    // psyarn's HDFS clients' wait for a closed file; the clusters' own clients (and a job's) get it too.
    HdfsCloseWait.apply(conf);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 64);
    conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 8192);
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    conf.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 0.8f);
    conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 99.5f);
    conf.setBoolean(YarnConfiguration.TIMELINE_SERVICE_ENABLED, false);
    conf.setLong(YarnConfiguration.NM_LOG_RETAIN_SECONDS, 1);
    conf.setLong(YarnConfiguration.NM_SLEEP_DELAY_BEFORE_SIGKILL_MS, 100);
    conf.setLong(YarnConfiguration.NM_PROCESS_KILL_WAIT_MS, 500);
    conf.setLong(YarnConfiguration.RM_NM_HEARTBEAT_INTERVAL_MS, 200);
    conf.setInt(DFSConfigKeys.DFS_REPLICATION_KEY, 1);
    // Closing a file asks the NameNode to complete it, which it can once the DataNode has reported
    // the last block; until then the client waits 400 ms before it asks again (HDFS's default, for
    // busy clusters). The one DataNode here reports within milliseconds, and every small file (the
    // staged spec and configuration, each shard, the report) paid the 400 ms: 25 ms, doubling, over
    // 9 tries gives the same 12.8 s in all before a close fails.
    conf.setInt(HdfsClientConfigKeys.BlockWrite.LOCATEFOLLOWINGBLOCK_INITIAL_DELAY_MS_KEY, 25);
    conf.setInt(HdfsClientConfigKeys.BlockWrite.LOCATEFOLLOWINGBLOCK_RETRIES_KEY, 9);
    conf.setInt(PsyarnConfig.AM_RM_HEARTBEAT_MS, 200);
    conf.setInt(PsyarnConfig.CONTAINER_HEARTBEAT_MS, 300);
    conf.setInt(PsyarnConfig.CLIENT_POLL_MS, 250);
    conf.setInt("mapreduce.client.completion.pollinterval", 100);
    conf.setInt("mapreduce.jobclient.progress.monitor.poll.interval", 100);
    conf.setInt("yarn.app.mapreduce.am.scheduler.heartbeat.interval-ms", 200);
    // 1 GiB, as the map tasks: a job small enough runs its map inside its AM (below).
    conf.setInt("yarn.app.mapreduce.am.resource.mb", 1024);
    // The MapReduce AM's web app (Guice 4, cglib) needs java.lang opened on Java 17: Hadoop 3.4+
    // adds the flag itself (mapreduce.jvm.add-opens-as-default), 3.3 does not.
    conf.set("yarn.app.mapreduce.am.command-opts",
        "-Xmx760m -XX:+UseSerialGC --add-opens=java.base/java.lang=ALL-UNNAMED");
    conf.setInt("mapreduce.map.memory.mb", 1024);
    conf.set("mapreduce.map.java.opts", "-Xmx760m -XX:+UseSerialGC");
    // Only the statistics job (a dictionary or a count filter) sorts map output; the shard job has
    // no reducers. Small enough to sit in the AM's heap when the job runs as an uber task.
    conf.setInt("mapreduce.task.io.sort.mb", 200);
    conf.setInt("mapreduce.reduce.memory.mb", 384);
    conf.set("mapreduce.reduce.java.opts", "-Xmx256m -XX:+UseSerialGC");
    conf.setInt("mapreduce.job.reduce.slowstart.completedmaps", 1);
    // Small jobs (tests, the flights file) run inside their MapReduce AM: no task containers to
    // start. One split only, so a larger input keeps its map tasks side by side.
    conf.setBoolean(UBER, true);
    conf.setLong("mapreduce.job.ubertask.maxbytes", 64L << 20);
    conf.setInt("mapreduce.job.ubertask.maxmaps", 1);
    return conf;
  }

  /** The configuration a client uses to reach both clusters. */
  public Configuration conf() {
    return new Configuration(conf);
  }

  public MiniYARNCluster yarn() {
    return yarn;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException e) {
      // the JVM is already exiting; the hook stops the clusters
    }
    stop();
  }

  private synchronized void stop() {
    if (!stopped) {
      stopped = true;
      yarn.stop();
      dfs.shutdown();
    }
  }
}
