package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.cli.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** psyarn's kept jars, and the AM's and containers' JVMs started from the node's class data sharing archives, on a MiniYARNCluster. */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class ClassSharingIT {

  private static final int NODE_MANAGERS = 1;
  private static ClusterHarness harness;

  @BeforeAll
  static void startCluster() throws Exception {
    harness = ClusterHarness.start("cds", NODE_MANAGERS);
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  /**
   * psyarn's jars kept on another file system than the cluster's (psyarn local keeps them on the
   * local one, beside its runs): the submission uploads nothing to HDFS, and the AM and the
   * containers are localized from there and run.
   */
  @Test
  void jarsKeptOnTheLocalFileSystemAreLocalizedFromThereAndNothingIsUploaded(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.get(harness.conf);
    org.apache.hadoop.fs.Path onHdfs = new org.apache.hadoop.fs.Path(dev.psyarn.client.StagingDir.base(harness.conf, fs), "jars");
    int hdfsEntries = fs.exists(onHdfs) ? fs.listStatus(onHdfs).length : 0;
    Path spec = harness.spec("local-jars.yaml", ClusterHarness.counterSpec("local-jars-it", 1, 1, 50, 5, List.of()));
    String kept = dir.resolve("kept").toUri().toString();
    ClusterHarness.Run submitted = harness.psyarn("-D", dev.psyarn.PsyarnConfig.JAR_CACHE_DIR + "=" + kept,
        "submit", spec.toString(), "--json");
    assertEquals(ExitCodes.OK, submitted.exitCode(), submitted.err());
    JsonNode job = WorkerFaultIT.awaitEnd(harness, submitted.json().path("applicationId").asText());
    assertEquals("SUCCEEDED", job.path("finalStatus").asText(), job.toString());
    List<Path> entries;
    try (java.util.stream.Stream<Path> listed = Files.list(dir.resolve("kept"))) {
      entries = listed.toList();
    }
    assertEquals(1, entries.size(), "one entry for the jar: " + entries);
    assertEquals(Files.size(ClusterHarness.distJar()), Files.size(entries.get(0).resolve(dev.psyarn.am.AmEnv.JAR)));
    assertTrue(Files.size(entries.get(0).resolve(dev.psyarn.am.AmEnv.CONTAINER_JAR)) > 0, "the lean jar beside it");
    assertEquals(hdfsEntries, fs.exists(onHdfs) ? fs.listStatus(onHdfs).length : 0, "nothing uploaded to " + onHdfs);
  }

  /**
   * Class data sharing: the first job's JVMs record the classes they load, the second's make each
   * kind's archive (AM, server, worker) before they start, and the third's start with them. The
   * third runs every JVM with {@code -Xshare:on}, which refuses to start without a mappable archive
   * (a classpath that does not start as the archive's, a missing jar), so its success is the proof.
   */
  @Test
  void laterJobsStartEveryJvmFromTheNodesClassDataSharingArchive() throws Exception {
    Path cds = harness.work.resolve("cds");
    org.apache.hadoop.fs.FileUtil.fullyDelete(cds.toFile()); // a directory an earlier run of this test left
    int keys = 200;
    for (int job = 1; job <= 3; job++) {
      String strict = job == 3 ? "-Xshare:on" : "-Xshare:auto";
      String spec = ClusterHarness.counterSpec("cds-it-" + job, 1, 2, keys, 2, List.of(strict))
          .replace("jvmOptions: [\"-XX:TieredStopAtLevel=1\"]", "jvmOptions: [\"-XX:TieredStopAtLevel=1\", \"" + strict + "\"]");
      Path report = harness.work.resolve("reports").resolve("cds-" + job + ".json");
      ClusterHarness.Run run = harness.psyarn("-D", dev.psyarn.PsyarnConfig.CDS_DIR + "=" + cds,
          "-D", dev.psyarn.PsyarnConfig.AM_JAVA_OPTS + "=" + strict,
          "submit", harness.spec("cds-" + job + ".yaml", spec).toString(), "--wait", "--report", report.toString());
      assertEquals(ExitCodes.OK, run.exitCode(), "job " + job + ": " + run.err());
      JsonNode metrics = ClusterHarness.JSON.readTree(Files.readString(report)).path("metrics");
      assertEquals(ClusterHarness.independentlyComputedTotal(keys, 2, 2), metrics.path("observedTotal").asLong(), metrics.toString());
      assertEquals(0, metrics.path("mismatches").asLong());
      String app = ClusterHarness.JSON.readTree(Files.readString(report)).path("applicationId").asText();
      // The client sees FINISHED once the AM has unregistered; the AM's JVM (and its script, which
      // holds the archive's lock while it records) may run a little longer. The next job starts once
      // this one's containers have ended, as a job run after it is done would.
      awaitContainersEnded(app);
      String said = job == 1 ? "records the classes it loads" : job == 2 ? "making the class data sharing archive"
          : "class data sharing from";
      List<String> stderrs = containerStderrs(app);
      assertEquals(4, stderrs.size(), "the AM, a server and two workers of " + app);
      // The two workers are one kind: one of them records (then makes) the list, the other starts plainly.
      assertTrue(stderrs.stream().filter(e -> e.contains(said)).count() >= (job == 3 ? 4 : 3),
          "job " + job + "'s JVMs say '" + said + "': " + stderrs.stream().map(e -> e.lines().findFirst().orElse(""))
              .toList());
    }
    List<String> archives;
    try (java.util.stream.Stream<Path> files = Files.list(cds)) {
      archives = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".jsa"))
          .map(n -> n.substring(0, n.indexOf('-'))).sorted().toList();
    }
    assertEquals(List.of("ApplicationMaster", "ServerMain", "WorkerMain"), archives, "one archive of each kind");
  }

  /** Waits until no container of {@code app} is running on any NodeManager (its processes have exited). */
  private static void awaitContainersEnded(String app) throws InterruptedException {
    org.apache.hadoop.yarn.api.records.ApplicationId id = org.apache.hadoop.yarn.api.records.ApplicationId.fromString(app);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (true) {
      List<String> running = new ArrayList<>();
      for (int n = 0; n < NODE_MANAGERS; n++) {
        for (org.apache.hadoop.yarn.server.nodemanager.containermanager.container.Container c
            : harness.cluster.yarn().getNodeManager(n).getNMContext().getContainers().values()) {
          if (c.getContainerId().getApplicationAttemptId().getApplicationId().equals(id)
              && c.cloneAndGetContainerStatus().getState() != org.apache.hadoop.yarn.api.records.ContainerState.COMPLETE) {
            running.add(c.getContainerId().toString());
          }
        }
      }
      if (running.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("containers of " + app + " still running a minute after it finished: " + running);
      }
      Thread.sleep(200);
    }
  }

  /** The stderr of every container of {@code app}, from the NodeManagers' log directories. */
  private static List<String> containerStderrs(String app) throws IOException {
    List<String> out = new ArrayList<>();
    for (int n = 0; n < NODE_MANAGERS; n++) {
      for (String dir : harness.cluster.yarn().getNodeManager(n).getConfig()
          .getTrimmedStrings(org.apache.hadoop.yarn.conf.YarnConfiguration.NM_LOG_DIRS)) {
        Path root = java.nio.file.Paths.get(java.net.URI.create(dir.startsWith("/") ? "file://" + dir : dir)).resolve(app);
        if (Files.isDirectory(root)) {
          try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
              out.add(Files.readString(f));
            }
          }
        }
      }
    }
    return out;
  }
}
