package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.PsyarnConfig;
import java.security.PrivilegedExceptionAction;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Preprocessing on a Kerberos cluster (MiniKdc, a Kerberized MiniDFSCluster and MiniMRYarnCluster):
 * the AM submits the MapReduce jobs as the job's owner, from a keytab given to it and from the
 * client's tokens alone, from a ticket cache kinit made (see {@link #preprocessesAsAlice} for what this
 * machine cannot run).
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class SecurePreprocessIT {

  private static SecureHarness secure;
  private static String input;

  @BeforeAll
  static void start() throws Exception {
    secure = SecureHarness.start("secure-preprocess", true, 0, "alice");
    // The jobs run as uber tasks inside their MapReduce AM (tasks no larger than the AM). The shard
    // job has no reducers, so no shuffle: in secure mode the NodeManagers' ShuffleHandler serves map
    // output only from files the job's user owns, which needs the LinuxContainerExecutor (every real
    // secure cluster's, not available here), and a job with reducers fails here at its shuffle.
    secure.harness.conf.setBoolean("mapreduce.job.ubertask.enable", true);
    secure.harness.conf.setInt("mapreduce.task.io.sort.mb", 32); // inside the MapReduce AM's heap
    secure.harness.conf.setInt("mapreduce.map.memory.mb", 768);
    secure.harness.conf.setInt("mapreduce.reduce.memory.mb", 384);
    Path path = new Path("/user/alice/secure-input.csv");
    input = secure.login("alice").doAs((PrivilegedExceptionAction<String>) () -> {
      try (FileSystem fs = FileSystem.newInstance(secure.harness.conf);
          java.io.OutputStream out = fs.create(path, true)) {
        StringBuilder csv = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 300; i++) {
          csv.append("u").append(i % 7).append(",v").append(i % 3).append(',').append(i % 2).append('\n');
        }
        out.write(csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return fs.makeQualified(path).toString();
      }
    });
  }

  @AfterAll
  static void stop() {
    if (secure != null) {
      secure.close();
    }
  }

  private static String spec(String name, String output) {
    return SecureHarness.counterSpec(name, 1, 100, 3, "").replace("app: {type: counter",
        "preprocess:\n  input: " + input + "\n  output: " + output + "\n  format: csv\n"
            + "  label: \"label == 1\"\n  split: {testFraction: 0.5}\n  features: [{name: a, column: a}]\n"
            + "  runIn: cluster\n" // submitted to the secure cluster as alice (a small input would run in the AM)
            + "app: {type: counter");
  }

  /**
   * Runs a preprocessing job as alice on the secure cluster: its job (one pass: hashing, no count
   * filter; map-only, so no shuffle, which in secure mode needs Hadoop's native SecureIOUtils and the
   * LinuxContainerExecutor, neither of which exists here) is submitted to YARN as alice, its map
   * task reads alice's input on the Kerberized HDFS with the tokens it was given and writes her
   * shards, and the application goes on to train and succeeds.
   */
  private static void preprocessesAsAlice(String name, ClusterHarness.Run submitted) throws Exception {
    assertEquals(0, submitted.exitCode(), submitted.err());
    String app = submitted.json().path("applicationId").asText();
    JsonNode job = secure.awaitEndAs("alice", app);
    JsonNode stats = job.path("preprocess").path("progress").path("shard");
    assertEquals(1.0, stats.path("map").asDouble(), "the job's maps read the input: " + job.path("preprocess"));
    List<ApplicationReport> mapReduce = secure.login("alice").doAs(
        (PrivilegedExceptionAction<List<ApplicationReport>>) () -> {
          try (YarnClient yarn = YarnClient.createYarnClient()) {
            yarn.init(secure.harness.conf);
            yarn.start();
            return yarn.getApplications(java.util.Set.of("MAPREDUCE"));
          }
        });
    ApplicationReport statsApp = mapReduce.stream()
        .filter(r -> r.getApplicationId().toString().equals(stats.path("id").asText().replace("job_", "application_")))
        .findFirst().orElseThrow(() -> new AssertionError("no MapReduce application " + stats + " in " + mapReduce));
    assertEquals("alice", statsApp.getUser(), "the AM submitted the MapReduce job as alice");
    System.out.println(name + ": " + job.path("finalStatus").asText() + " — " + job.path("diagnostics").asText());
    assertEquals("SUCCEEDED", job.path("finalStatus").asText(), job.toString());
    assertEquals("SUCCEEDED", job.path("preprocess").path("state").asText(), job.path("preprocess").toString());
    String shards = job.path("preprocess").path("shards").asText();
    org.apache.hadoop.fs.FileStatus shard = secure.login("alice").doAs(
        (PrivilegedExceptionAction<org.apache.hadoop.fs.FileStatus>) () -> {
          try (FileSystem fs = FileSystem.newInstance(secure.harness.conf)) {
            return fs.getFileStatus(new Path(shards, "train-00000.shard"));
          }
        });
    assertEquals("alice", shard.getOwner(), "alice's map task wrote her shards: " + shard);
    assertTrue(shard.getLen() > 40, "a header, records and an end: " + shard);
  }

  /** With alice's keytab, the AM submits the jobs logged in from it (Kerberos, as MapReduce's own client). */
  @Test
  void fromAKeytabTheAmSubmitsTheMapReduceJobsLoggedInAsTheOwner() throws Exception {
    String name = "secure-preprocess-keytab";
    preprocessesAsAlice(name, secure.as("alice", "-D", PsyarnConfig.PREPROCESS_CACHE_DIR + "=", "submit",
        secure.harness.spec(name + ".yaml", spec(name, "/user/alice/" + name)).toString(), "--json"));
  }

  /**
   * Submitted from alice's ticket cache, made by MIT kinit as she would at a shell, by a client JVM
   * of its own (KRB5CCNAME, no keytab): with the cache destroyed the command is refused (exit 7) and
   * nothing reaches the cluster; with the ticket the AM submits the MapReduce jobs with the HDFS,
   * ResourceManager and JobHistory tokens the client got. Where this machine has no kinit, a
   * Kerberos login without a keytab in this JVM stands in for the cache (see {@link SecureHarness#kinit}).
   */
  @Test
  void fromATicketCacheTheAmSubmitsTheMapReduceJobsWithTheClientsTokens() throws Exception {
    String name = "secure-preprocess-ticket";
    String spec = secure.harness.spec(name + ".yaml", spec(name, "/user/alice/" + name)).toString();
    java.util.Optional<String> kinit = SecureHarness.kinit();
    if (kinit.isEmpty()) {
      preprocessesAsAlice(name, secure.login("alice").doAs((PrivilegedExceptionAction<ClusterHarness.Run>) () ->
          secure.harness.psyarn("-D", "psyarn.kerberos.principal=", "-D", "psyarn.kerberos.keytab=",
              "-D", PsyarnConfig.PREPROCESS_CACHE_DIR + "=", "submit", spec, "--json")));
      return;
    }
    java.nio.file.Path cache = secure.harness.work.resolve("alice.ccache");
    int before = secure.as("alice", "list", "--all", "--json").json().size();
    secure.ticketCache(kinit.get(), "alice", cache, false);
    secure.ticketCache(kinit.get(), "alice", cache, true);
    ClusterHarness.Run refused = secure.withTicketCache(cache, name + "-refused", "submit", spec, "--json");
    assertEquals(dev.psyarn.cli.ExitCodes.PERMISSION_DENIED, refused.exitCode(), refused.out() + refused.err());
    assertTrue(refused.err().contains("no Kerberos ticket: run kinit"), refused.err());
    assertEquals(before, secure.as("alice", "list", "--all", "--json").json().size(), "nothing was submitted");

    secure.ticketCache(kinit.get(), "alice", cache, false);
    ClusterHarness.Run submitted = secure.withTicketCache(cache, name, "-D", PsyarnConfig.PREPROCESS_CACHE_DIR + "=",
        "submit", spec, "--json");
    preprocessesAsAlice(name, submitted);
  }
}
