package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.PsyarnConfig;
import dev.psyarn.cli.ExitCodes;
import dev.psyarn.client.ClientLogin;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * psyarn on a Kerberos cluster: Hadoop's MiniKdc, a Kerberized MiniDFSCluster and MiniYARNCluster
 * (RPC authenticated with Kerberos and delegation tokens, YARN ACLs on, the RM's web and its proxy
 * behind SPNEGO), one class's own. The file system's delegation tokens live 20 s here, so a job
 * that runs longer than that runs on the tokens its AM renews from the keytab it was given.
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class SecureClusterIT {

  private static final long TOKEN_LIFE_MS = 20_000;
  private static final int KEYS = 300;
  private static final int WORKERS = 2;

  private static SecureHarness secure;
  private static ClusterHarness harness;

  @BeforeAll
  static void startSecureCluster() throws Exception {
    secure = SecureHarness.start("secure", false, TOKEN_LIFE_MS, "alice", "bob", "carol");
    harness = secure.harness;
  }

  @AfterAll
  static void stop() {
    if (secure != null) {
      secure.close();
    }
  }

  private static String counterSpec(String name, int rounds, String extra) {
    return SecureHarness.counterSpec(name, WORKERS, KEYS, rounds, extra);
  }

  /**
   * A job submitted from alice's keytab runs for more than twice its first tokens' life: the AM
   * renews them from the keytab, the servers go on writing checkpoints to HDFS with the renewed
   * tokens, and a worker killed after the first tokens expired is replaced by one that localizes
   * its files and reads the job's data with them. The totals stay exact.
   */
  @Test
  void aJobFromAKeytabOutlivesItsFirstDelegationTokens() throws Exception {
    int rounds = 300;
    long submitted = System.currentTimeMillis();
    String app = secure.submitAs("alice", "renewal.yaml",
        counterSpec("secure-renewal-it", rounds, "checkpoint: {everySeconds: 2, keep: 2}\n"));
    // Past the first tokens' life, kill worker 0: its replacement starts on renewed tokens.
    Thread.sleep(Math.max(0, submitted + TOKEN_LIFE_MS + 3_000 - System.currentTimeMillis()));
    JsonNode worker = WorkerFaultIT.awaitPushingWorker(harness, app, 0, KEYS);
    WorkerFaultIT.signal(WorkerFaultIT.pidOf(worker.path("id").asText()), "KILL");

    JsonNode job = secure.awaitEndAs("alice", app);
    assertEquals("SUCCEEDED", job.path("finalStatus").asText(), job.path("diagnostics").asText());
    WorkerFaultIT.assertExact(job, KEYS, WORKERS, rounds);
    List<JsonNode> slot = WorkerFaultIT.slot(job, "worker", 0);
    assertEquals(2, slot.size(), "the killed worker and its replacement: " + job.path("containers"));
    assertEquals(0, slot.get(1).path("exitCode").asInt(-1), slot.get(1).toString());
    long ranMs = System.currentTimeMillis() - submitted;
    assertTrue(ranMs > 2 * TOKEN_LIFE_MS, "ran past twice the first tokens' life: " + ranMs + " ms");

    String amLog = containerLog(app, "000001", "psyarn-am.log", "stderr", "syslog");
    assertTrue(amLog.contains("renewed the job's delegation tokens"), "the AM renewed its tokens:\n" + tail(amLog));
    int renewedContainers = 0;
    for (File log : KeptContainerLogs.changedLogs(harness.work, submitted).stream().map(Path::toFile).toList()) {
      if (log.getPath().contains(app.replace("application_", "container_")) && !log.getPath().contains("_000001")
          && Files.readString(log.toPath()).contains("the AM renewed this job's delegation tokens")) {
        renewedContainers++;
      }
    }
    assertTrue(renewedContainers >= 2, "the running containers got the renewed tokens: " + renewedContainers);
    // (The AM deletes it right after unregistering, which is when YARN says the job ended.)
    boolean keytabLeft = secure.login("alice").doAs((PrivilegedExceptionAction<Boolean>) () -> {
      try (FileSystem fs = FileSystem.newInstance(harness.conf)) {
        org.apache.hadoop.fs.Path keytab = new org.apache.hadoop.fs.Path(dev.psyarn.client.StagingDir.ownerOnly(
            dev.psyarn.client.StagingDir.of(harness.conf, fs, "alice", app)), dev.psyarn.am.AmEnv.KEYTAB);
        for (int i = 0; i < 100 && fs.exists(keytab); i++) {
          Thread.sleep(100);
        }
        return fs.exists(keytab);
      }
    });
    assertFalse(keytabLeft, "the staged keytab does not outlive the job");
    // The servers' last checkpoints were written with renewed tokens, after the first ones expired.
    long newest = checkpointTimes(app).stream().mapToLong(Long::longValue).max().orElse(0);
    assertTrue(newest > submitted + TOKEN_LIFE_MS, "a checkpoint after the first tokens expired: newest at "
        + (newest - submitted) + " ms after submission");
  }

  /**
   * A user without a Kerberos ticket is refused before anything reaches the cluster (and the
   * cluster refuses one who skips that check); a second user whom the job's view ACL names sees
   * the job, live through the RM's SPNEGO-protected proxy, but can neither kill nor flex it.
   */
  @Test
  void noTicketIsRefusedAndAViewerCanSeeButNotKillOrFlexTheJob() throws Exception {
    int before = countAs("alice");
    UserGroupInformation carol = UserGroupInformation.createRemoteUser("carol");
    ClusterHarness.Run refused = carol.doAs((PrivilegedExceptionAction<ClusterHarness.Run>) () ->
        harness.psyarn("-D", ClientLogin.PRINCIPAL + "=", "-D", ClientLogin.KEYTAB + "=",
            "submit", harness.spec("carol.yaml", counterSpec("carol-it", 5, "")).toString()));
    assertEquals(ExitCodes.PERMISSION_DENIED, refused.exitCode(), refused.err());
    assertTrue(refused.err().contains("no Kerberos ticket") && refused.err().contains("kinit"), refused.err());
    assertEquals(before, countAs("alice"), "nothing was submitted");
    Exception cluster = assertThrows(Exception.class, () -> carol.doAs((PrivilegedExceptionAction<Object>) () -> {
      try (YarnClient yarn = YarnClient.createYarnClient()) {
        Configuration c = new Configuration(harness.conf);
        c.setLong("yarn.resourcemanager.connect.max-wait.ms", 3000);
        c.setInt("ipc.client.connect.max.retries", 0);
        yarn.init(c);
        yarn.start();
        return yarn.getApplications();
      }
    }), "the ResourceManager refuses a client without Kerberos credentials");
    System.out.println("the RM to a client without a ticket: " + cluster);

    String app = secure.submitAs("alice", "viewed.yaml", counterSpec("secure-acl-it", 400, ""),
        PsyarnConfig.ACL_VIEW + "=bob");
    WorkerFaultIT.awaitPushingWorker(harness, app, 0, KEYS);

    ClusterHarness.Run view = secure.as("bob", "status", app, "--json");
    assertEquals(ExitCodes.OK, view.exitCode(), view.err());
    JsonNode job = view.json().path("job");
    assertEquals("RUNNING", view.json().path("state").asText(), view.out());
    assertTrue(job.path("containers").size() >= 4, "bob sees the AM's live status through the proxy: " + view.out());

    System.out.println("bob's status: " + view.out() + view.err());
    // Through the RM's proxy (SPNEGO) the AM shows the job to its viewers and no one else.
    String tracking = secure.as("alice", "status", app, "--json").json().path("trackingUrl").asText();
    assertEquals(200, httpAs("bob", tracking + "api/v1/status"), tracking);
    assertEquals(403, httpAs("carol", tracking + "api/v1/status"), "carol is not a viewer");
    assertEquals(401, ((java.net.HttpURLConnection) java.net.URI.create(tracking + "api/v1/status").toURL()
        .openConnection()).getResponseCode(), "no SPNEGO, no page");

    ClusterHarness.Run kill = secure.as("bob", "kill", app);
    System.out.println("bob's kill: " + kill.exitCode() + " " + kill.out() + kill.err());
    assertEquals(ExitCodes.PERMISSION_DENIED, kill.exitCode(), kill.out() + kill.err());
    assertTrue(kill.err().contains("MODIFY_APP"), kill.err());
    ClusterHarness.Run flex = secure.as("bob", "flex", app, "--role", "worker", "--instances", "3");
    assertEquals(ExitCodes.PERMISSION_DENIED, flex.exitCode(), flex.out() + flex.err());
    assertTrue(flex.err().contains("only the owner"), flex.err());

    ClusterHarness.Run still = secure.as("alice", "status", app, "--json");
    assertEquals("RUNNING", still.json().path("state").asText(), "bob changed nothing: " + still.out());
    ClusterHarness.Run owner = secure.as("alice", "kill", app, "--json");
    assertEquals(ExitCodes.OK, owner.exitCode(), owner.err());
    assertEquals("KILLED", owner.json().path("finalStatus").asText(), owner.out());
  }

  /** The HTTP status of a GET of {@code url} as {@code user}, authenticated with SPNEGO. */
  private static int httpAs(String user, String url) throws Exception {
    return secure.login(user).doAs((PrivilegedExceptionAction<Integer>) () ->
        new org.apache.hadoop.security.authentication.client.AuthenticatedURL()
            .openConnection(java.net.URI.create(url).toURL(),
                new org.apache.hadoop.security.authentication.client.AuthenticatedURL.Token())
            .getResponseCode());
  }

  private static int countAs(String user) throws Exception {
    ClusterHarness.Run list = secure.as(user, "list", "--all", "--json");
    assertEquals(ExitCodes.OK, list.exitCode(), list.err());
    return list.json().size();
  }

  /** When each of the job's checkpoint files was written (in its staging directory), read as alice. */
  private static List<Long> checkpointTimes(String app) throws Exception {
    return secure.login("alice").doAs((PrivilegedExceptionAction<List<Long>>) () -> {
      List<Long> times = new ArrayList<>();
      try (FileSystem fs = FileSystem.newInstance(harness.conf)) {
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(
            dev.psyarn.client.StagingDir.of(harness.conf, fs, "alice", app), "checkpoints");
        org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files = fs.listFiles(root, true);
        while (files.hasNext()) {
          times.add(files.next().getModificationTime());
        }
      }
      assertFalse(times.isEmpty(), "the servers wrote checkpoints");
      return times;
    });
  }

  private static String containerLog(String app, String containerSuffix, String... names) throws Exception {
    StringBuilder text = new StringBuilder();
    for (Path p : KeptContainerLogs.changedLogs(harness.work, 0)) {
      String s = p.toString();
      if (s.contains(app.replace("application_", "container_")) && s.contains("_" + containerSuffix + File.separator)) {
        for (String name : names) {
          if (p.getFileName().toString().equals(name)) {
            text.append(Files.readString(p));
          }
        }
      }
    }
    assertFalse(text.length() == 0, "no logs of container " + containerSuffix + " of " + app);
    return text.toString();
  }

  private static String tail(String text) {
    return text.substring(Math.max(0, text.length() - 4000));
  }
}
