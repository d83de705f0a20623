package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.am.AmEnv;
import dev.psyarn.cli.ExitCodes;
import dev.psyarn.ps.transport.AppSecret;
import dev.psyarn.ps.transport.AuthenticationException;
import dev.psyarn.ps.transport.RpcClient;
import dev.psyarn.ps.wire.Protocols;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.util.ToolRunner;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.client.cli.ApplicationCLI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Jobs submitted the way users submit them, on one shared MiniDFSCluster + MiniYARNCluster. */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class PsyarnJobIT {

  private static final int NODE_MANAGERS = 1;
  private static ClusterHarness harness;

  @BeforeAll
  static void startCluster() throws Exception {
    harness = ClusterHarness.start("jobs", NODE_MANAGERS);
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void counterJobWithTwoServersAndThreeWorkersSucceedsWithExactTotals() throws Exception {
    int keys = 3000;
    int rounds = 4;
    int workers = 3;
    // Each worker also gets a volume: a file localized from the cluster's file system.
    Path spec = harness.spec("counter.yaml", ClusterHarness.counterSpec("counter-it", 2, workers, keys, rounds, List.of())
        .replace("jvmOptions: []}", "jvmOptions: [], localize: [{source: \""
            + ClusterHarness.example("data/PROVENANCE.md").toUri() + "\", name: provenance.md}]}"));
    Path report = harness.work.resolve("reports").resolve("not-yet-there").resolve("counter-report.json");

    ClusterHarness.Run run = harness.psyarn("submit", spec.toString(), "--wait", "--report", report.toString());

    assertEquals(ExitCodes.OK, run.exitCode(), run.err());
    JsonNode r = ClusterHarness.JSON.readTree(Files.readString(report));
    assertEquals("SUCCEEDED", r.path("finalStatus").asText());
    JsonNode metrics = r.path("metrics");
    assertEquals(keys, metrics.path("keys").asLong());
    assertEquals(0, metrics.path("mismatches").asLong());
    long expected = independentlyComputedTotal(keys, workers, rounds);
    assertEquals(expected, metrics.path("expectedTotal").asLong());
    assertEquals(expected, metrics.path("observedTotal").asLong());
    assertEquals(5, r.path("containers").size());
    long payload = (long) workers * rounds * keys * (Long.BYTES + Float.BYTES);
    assertTrue(metrics.path("bytes.worker.out").asLong() > payload, "every worker's pushes: " + metrics);
    assertTrue(metrics.path("bytes.server.in").asLong() > 0, metrics.toString());
    int servers = 0;
    for (JsonNode c : r.path("containers")) {
      assertEquals(0, c.path("exitCode").asInt(-1), c.toString());
      assertEquals("native", c.path("runtime").asText());
      servers += "server".equals(c.path("role").asText()) ? 1 : 0;
    }
    assertEquals(2, servers);
    JsonNode timings = r.path("timings");
    assertTrue(timings.path("submittedToRunningMs").asLong() > 0, timings.toString());
    assertTrue(timings.path("allRegisteredMs").asLong() >= timings.path("submittedToRunningMs").asLong());
    assertTrue(timings.path("finishedMs").asLong() >= timings.path("allRegisteredMs").asLong());
  }

  @Test
  void aJobWhoseReportCannotBeWrittenStaysSucceededAndSaysSo() throws Exception {
    String spec = ClusterHarness.counterSpec("no-report-it", 1, 1, 100, 20, List.of())
        .replace("rounds: 20}", "rounds: 20, pauseMs: 200}");
    String app = WorkerFaultIT.submit(harness, "no-report.yaml", spec);
    // A directory where the AM writes its report: the write fails as a full or read-only file system would.
    org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.get(harness.conf);
    org.apache.hadoop.fs.Path report = new org.apache.hadoop.fs.Path(
        dev.psyarn.client.StagingDir.of(harness.conf, fs, app), dev.psyarn.am.AmEnv.REPORT);
    fs.mkdirs(report);
    fs.create(new org.apache.hadoop.fs.Path(report, "in-the-way")).close();

    JsonNode job = WorkerFaultIT.awaitEnd(harness, app);
    // The AM's live status says SUCCEEDED as soon as the job is done; what it could not write is
    // said in the diagnostics it unregisters with, which YARN's report has once the AM has exited.
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
    while (!job.path("diagnostics").asText().contains("the report could not be written to")
        && System.nanoTime() < deadline) {
      Thread.sleep(300);
      job = harness.psyarn("status", app, "--json").json().path("job");
    }
    assertEquals("SUCCEEDED", job.path("finalStatus").asText(), job.toString());
    assertTrue(job.path("diagnostics").asText().contains("the report could not be written to"), job.toString());
    ClusterHarness.Run status = harness.psyarn("status", app);
    assertEquals(ExitCodes.OK, status.exitCode(), status.out() + status.err());
  }

  @Test
  void logsByRoleAndIndexAndAThreadDumpOfARunningWorker() throws Exception {
    // About 40 s of rounds: the job runs while its logs are read, a dump is taken and a level set.
    String spec = ClusterHarness.counterSpec("logs-it", 1, 2, 100, 200, List.of())
        .replace("rounds: 200}", "rounds: 200, pauseMs: 200}");
    String app = WorkerFaultIT.submit(harness, "logs.yaml", spec);
    JsonNode pushing = WorkerFaultIT.awaitPushingWorker(harness, app, 1, 100);
    JsonNode jvm = pushing.path("metrics");
    assertTrue(jvm.path("jvm.heapUsedMb").asDouble() > 1 && jvm.path("jvm.heapMaxMb").asDouble() <= 128
        && jvm.path("process.cpuSeconds").asDouble() > 0.1, "the worker's memory (heap of its 128m) and CPU: " + jvm);
    theContainersRunOnTheLeanJar();

    ClusterHarness.Run worker = harness.psyarn("logs", app, "--role", "worker", "--index", "1");
    assertEquals(ExitCodes.OK, worker.exitCode(), worker.err());
    assertTrue(worker.out().startsWith("==> worker 1 (container_"), worker.out());
    assertTrue(worker.out().contains("worker 1 of 2 running counter"), worker.out());
    assertTrue(!worker.out().contains("worker 0 of 2"), "worker 1's log alone: " + worker.out());
    ClusterHarness.Run am = harness.psyarn("logs", app, "--role", "am", "--tail", "3");
    assertEquals(ExitCodes.OK, am.exitCode(), am.err());
    assertEquals(4, am.out().split("\n").length, "the header and 3 lines: " + am.out());
    ClusterHarness.Run missing = harness.psyarn("logs", app, "--role", "server", "--index", "5");
    assertEquals(ExitCodes.NOT_FOUND, missing.exitCode(), missing.out() + missing.err());
    assertTrue(missing.err().contains("no server 5 in " + app) && missing.err().contains("worker 1 (container_"),
        missing.err());

    ClusterHarness.Run threads = harness.psyarn("debug", app, "--role", "worker", "--index", "0", "--threads");
    assertEquals(ExitCodes.OK, threads.exitCode(), threads.err());
    assertTrue(threads.out().contains("Full thread dump"), threads.out());
    assertTrue(threads.out().contains("\"main\""), "the worker's main thread: " + threads.out());

    ClusterHarness.Run level = harness.psyarn("debug", app, "--role", "worker", "--index", "1", "--log-level",
        "dev.psyarn.ps.container=DEBUG");
    assertEquals(ExitCodes.OK, level.exitCode(), level.err());
    assertTrue(level.out().contains("set to DEBUG in 1 container"), level.out());
    String debugged = "";
    for (int i = 0; i < 40 && !debugged.contains("heartbeat answered"); i++) {
      Thread.sleep(250);
      debugged = harness.psyarn("logs", app, "--role", "worker", "--index", "1").out();
    }
    assertTrue(debugged.contains("DEBUG") && debugged.contains("heartbeat answered"), "worker 1 logs at DEBUG: "
        + debugged);
    String other = harness.psyarn("logs", app, "--role", "worker", "--index", "0").out();
    assertTrue(!other.contains("heartbeat answered"), "worker 0 still logs at INFO: " + other);
    JsonNode job = WorkerFaultIT.awaitEnd(harness, app);
    assertEquals("SUCCEEDED", job.path("finalStatus").asText(), "a thread dump does not stop the worker: " + job);
  }

  /**
   * The servers and workers of a running counter job localized the lean jar (no Parquet, no zstd
   * natives, no liblinear), and they run: the job's workers push.
   */
  private void theContainersRunOnTheLeanJar() throws IOException {
    List<java.nio.file.Path> localized = new ArrayList<>();
    List<String> localDirs = new ArrayList<>();
    for (int n = 0; n < NODE_MANAGERS; n++) {
      for (String dir : harness.cluster.yarn().getNodeManager(n).getConfig()
          .getTrimmedStrings(org.apache.hadoop.yarn.conf.YarnConfiguration.NM_LOCAL_DIRS)) {
        localDirs.add(dir);
        java.nio.file.Path root = java.nio.file.Paths.get(java.net.URI.create(dir.startsWith("/") ? "file://" + dir : dir));
        if (java.nio.file.Files.isDirectory(root)) {
          try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(root)) {
            files.filter(f -> f.getFileName().toString().equals(AmEnv.CONTAINER_JAR)
                && f.toString().contains("filecache")).forEach(localized::add);
          }
        }
      }
    }
    assertTrue(!localized.isEmpty(), "a NodeManager localized " + AmEnv.CONTAINER_JAR + " under " + localDirs);
    // Kept across submissions (client.JarCache): localized once for the user on each node, not per application.
    String user = org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getShortUserName();
    for (java.nio.file.Path jar : localized) {
      assertTrue(jar.toString().contains("/usercache/" + user + "/filecache/") && !jar.toString().contains("/appcache/"),
          "localized for the user (PRIVATE), not for one application: " + jar);
    }
    org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.get(harness.conf);
    org.apache.hadoop.fs.FileStatus[] kept = fs.listStatus(new org.apache.hadoop.fs.Path(
        dev.psyarn.client.StagingDir.base(harness.conf, fs), "jars"));
    assertEquals(1, kept.length, "one upload of psyarn's jars for every job of this class: " + java.util.Arrays.toString(kept));
    long full = java.nio.file.Files.size(ClusterHarness.distJar());
    for (java.nio.file.Path jar : localized) {
      try (java.util.jar.JarFile lean = new java.util.jar.JarFile(jar.toFile())) {
        List<String> names = lean.stream().map(java.util.jar.JarEntry::getName).toList();
        assertTrue(names.contains("dev/psyarn/ps/container/WorkerMain.class"), "the workers' classes: " + jar);
        assertTrue(names.stream().noneMatch(n -> n.startsWith("org/apache/parquet/") || n.contains("libzstd-jni")
            || n.contains("bwaldvogel")), "no Parquet, zstd natives or liblinear in " + jar);
      }
      assertTrue(java.nio.file.Files.size(jar) < full / 2, jar + " is under half the distribution jar's " + full + " bytes");
    }
  }

  /** The same sum as the counter app's, written out again so the two can disagree. */
  private static long independentlyComputedTotal(int keys, int workers, int rounds) {
    return ClusterHarness.independentlyComputedTotal(keys, workers, rounds);
  }

  @Test
  void aWorkerThatFailsEveryStartIsRestartedUpToItsLimitThenFailsTheJobWithTheReason() throws Exception {
    Path spec = harness.spec("bad-worker.yaml", ClusterHarness.withWorkerSettings(
        ClusterHarness.counterSpec("bad-worker-it", 1, 1, 10, 1, List.of("-XX:+ThisOptionDoesNotExist")),
        "restart: {maxRestarts: 1, backoffSeconds: 0.2}"));
    Path report = harness.work.resolve("bad-worker-report.json");

    ClusterHarness.Run run = harness.psyarn("submit", spec.toString(), "--wait", "--report", report.toString());

    assertEquals(ExitCodes.JOB_FAILED, run.exitCode(), run.err());
    JsonNode r = ClusterHarness.JSON.readTree(Files.readString(report));
    assertEquals("FAILED", r.path("finalStatus").asText());
    String diagnostics = r.path("diagnostics").asText();
    List<JsonNode> workers = new ArrayList<>();
    for (JsonNode c : r.path("containers")) {
      if ("worker".equals(c.path("role").asText())) {
        workers.add(c);
        assertEquals(1, c.path("exitCode").asInt(), c.toString());
        assertEquals("APPLICATION_ERROR", c.path("reason").asText(), c.toString());
        assertEquals(0, c.path("index").asInt());
      }
    }
    assertEquals(2, workers.size(), "the first start and one restart: " + r.path("containers"));
    assertEquals(List.of(0, 1), List.of(workers.get(0).path("restarts").asInt(), workers.get(1).path("restarts").asInt()));
    assertEquals(1, r.path("restarts").path("worker").asInt(), r.path("restarts").toString());
    String lastId = workers.get(1).path("id").asText();
    assertTrue(diagnostics.startsWith("worker 0 failed (exit 1) (" + lastId + " on "), diagnostics);
    assertTrue(diagnostics.contains("2 failures within 600 s, more than restart.maxRestarts (1) allows"), diagnostics);
    try (YarnClient yarn = harness.yarn()) {
      ApplicationReport app = yarn.getApplicationReport(ApplicationId.fromString(r.path("applicationId").asText()));
      assertTrue(app.getDiagnostics().contains(lastId), app.getDiagnostics());
    }
  }

  @Test
  void hadoopCliListsTheApplicationAsPsyarnAndKillsIt() throws Exception {
    Path spec = harness.spec("long.yaml", ClusterHarness.counterSpec("long-it", 1, 1, 64, 100_000, List.of()));
    ClusterHarness.Run submitted = harness.psyarn("submit", spec.toString(), "--json");
    assertEquals(ExitCodes.OK, submitted.exitCode(), submitted.err());
    ApplicationId id = ApplicationId.fromString(submitted.json().path("applicationId").asText());
    ApplicationReport running = awaitState(id, YarnApplicationState.RUNNING);

    String list = yarnCli("-list", "-appTypes", "PSYARN");
    assertTrue(list.contains(id.toString()) && list.contains("PSYARN") && list.contains("long-it"), list);
    String status = yarnCli("-status", id.toString());
    assertTrue(status.contains("Application-Type : PSYARN"), status);
    assertTrue(status.matches("(?s).*Application-Name : long-it\\R.*"), "YARN shows the job's name: " + status);

    // The AM's control plane refuses a peer without the application secret.
    InetSocketAddress am = new InetSocketAddress(running.getHost(), running.getRpcPort());
    assertThrows(AuthenticationException.class,
        () -> RpcClient.connect(am, AppSecret.generate(), Protocols.CONTROL, Duration.ofSeconds(5)).close());

    // psyarn status reads the AM's own view through the RM's web proxy until the AM says RUNNING.
    JsonNode job = null;
    String last = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      ClusterHarness.Run live = harness.psyarn("status", id.toString(), "--json");
      assertEquals(ExitCodes.OK, live.exitCode(), live.err());
      assertEquals("PSYARN", live.json().path("type").asText());
      last = live.out();
      job = live.json().path("job");
      if ("RUNNING".equals(job.path("state").asText())) {
        break;
      }
      Thread.sleep(300);
    }
    assertEquals("RUNNING", job.path("state").asText(), "the AM's status through " + running.getTrackingUrl() + ": " + last);
    assertEquals(2, job.path("containers").size(), last);
    assertEquals("REGISTERED", job.path("containers").get(0).path("state").asText(), last);
    assertTrue(job.path("containers").get(0).path("logs").asText().contains("/node/containerlogs/"), last);

    // The AM's web server is Hadoop's HttpServer2 behind YARN's AmIpFilter: its metrics2 source as
    // JSON at /jmx and in Prometheus' text format at /prom, through the RM's proxy (Prometheus'
    // sink has the gauges once the metrics system's first period has passed).
    String proxy = running.getTrackingUrl().endsWith("/") ? running.getTrackingUrl() : running.getTrackingUrl() + "/";
    // (The worker's figures appear with its first heartbeat, which may come after the server's.)
    String jmx = ClusterHarness.awaitBody(proxy + "jmx?qry=Hadoop:service=psyarn,name=PsyarnJob", "\"WorkerBytesOut\"");
    assertTrue(jmx.contains("\"ServersRunning\" : 1"), jmx);
    String prom = ClusterHarness.awaitBody(proxy + "prom", "psyarn_job_servers_running");
    assertTrue(prom.matches("(?s).*psyarn_job_servers_running\\{[^}]*\\} 1(\\.0)?\\R.*"), prom);
    assertTrue(prom.contains("psyarn_job_server_keys_pushed"), prom);
    // Not from the proxy: the filter sends the caller to it, and shows nothing itself. (The proxy
    // runs on this machine, so the request comes from another loopback address than any of its.)
    java.net.URI own = java.net.URI.create(running.getOriginalTrackingUrl().startsWith("http")
        ? running.getOriginalTrackingUrl() : "http://" + running.getOriginalTrackingUrl());
    String answer;
    try (java.net.Socket direct = new java.net.Socket()) {
      direct.bind(new InetSocketAddress("127.0.0.2", 0));
      direct.connect(new InetSocketAddress(own.getHost(), own.getPort()), 5000);
      direct.getOutputStream().write(("GET /api/v1/status HTTP/1.0\r\nHost: " + own.getHost() + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      answer = new String(direct.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(answer.matches("(?s)HTTP/1\\.[01] 30[27].*") && answer.contains("Location:")
        && answer.contains(id.toString()) && !answer.contains("\"containers\""),
        "a request from elsewhere is sent to the proxy: " + answer);

    yarnCli("-kill", id.toString());
    ApplicationReport killed = awaitState(id, YarnApplicationState.KILLED);
    assertEquals("KILLED", killed.getFinalApplicationStatus().name());
    JsonNode afterKill = harness.psyarn("status", id.toString(), "--json").json().path("job");
    assertEquals("KILLED", afterKill.path("state").asText(), "YARN's kill, whatever the AM wrote: " + afterKill);
    assertEquals("KILLED", afterKill.path("finalStatus").asText(), afterKill.toString());
    ClusterHarness.Run after = harness.psyarn("list", "--all", "--json");
    assertTrue(after.out().contains(id.toString()), after.out());
  }

  /**
   * {@code security: {tls: true}}: the job's sums are exact over TLS; the AM's control plane and a
   * server's data plane refuse the owner's own secret over plain TCP, and answer it in TLS with the
   * certificate the client staged; the owner's commands (a log level, through the AM) still work.
   */
  @Test
  void withTlsBothPlanesRefusePlainPeersAndTheJobRunsWithExactSums() throws Exception {
    int keys = 500;
    int rounds = 60;
    String spec = ClusterHarness.counterSpec("tls-it", 1, 2, keys, rounds, List.of())
        .replace("rounds: " + rounds + "}", "rounds: " + rounds + ", pauseMs: 250}") + "security: {tls: true}\n";
    String app = WorkerFaultIT.submit(harness, "tls.yaml", spec);
    WorkerFaultIT.awaitPushingWorker(harness, app, 0, keys);

    org.apache.hadoop.fs.FileSystem fs = org.apache.hadoop.fs.FileSystem.get(harness.conf);
    org.apache.hadoop.fs.Path owner = dev.psyarn.client.StagingDir.ownerOnly(
        dev.psyarn.client.StagingDir.of(harness.conf, fs, app));
    AppSecret secret;
    byte[] certificate;
    try (var in = fs.open(new org.apache.hadoop.fs.Path(owner, AmEnv.SECRET));
        var cert = fs.open(new org.apache.hadoop.fs.Path(owner, AmEnv.TLS_CERTIFICATE))) {
      secret = AppSecret.of(in.readAllBytes());
      certificate = cert.readAllBytes();
    }
    AppSecret inTls = secret.withTls(dev.psyarn.ps.transport.TlsIdentity.decode(null, null, certificate));
    ApplicationReport report;
    try (YarnClient yarn = harness.yarn()) {
      report = yarn.getApplicationReport(ApplicationId.fromString(app));
    }
    InetSocketAddress am = new InetSocketAddress(report.getHost(), report.getRpcPort());
    assertThrows(java.io.IOException.class, () -> RpcClient.connect(am, secret, Protocols.CONTROL,
        Duration.ofSeconds(5)).close(), "the owner's secret over plain TCP to the AM");
    dev.psyarn.ps.wire.ControlMessages.ServerInfo server;
    try (RpcClient control = RpcClient.connect(am, inTls, Protocols.CONTROL, Duration.ofSeconds(10))) {
      var view = (dev.psyarn.ps.wire.ControlMessages.ClusterView) control.call(new dev.psyarn.ps.wire.ControlMessages
          .GetClusterView(dev.psyarn.ps.wire.ControlMessages.GetClusterView.NOW)).get(10, TimeUnit.SECONDS);
      assertEquals(1, view.servers().length, "the AM answers in TLS: " + view);
      server = view.servers()[0];
    }
    InetSocketAddress data = new InetSocketAddress(server.host(), server.port());
    assertThrows(java.io.IOException.class, () -> RpcClient.connect(data, secret, Protocols.DATA,
        Duration.ofSeconds(5)).close(), "the owner's secret over plain TCP to server 0");
    try (RpcClient client = RpcClient.connect(data, inTls, Protocols.DATA, Duration.ofSeconds(10))) {
      Object pulled = client.call(new dev.psyarn.ps.wire.DataMessages.Pull(0, new long[] {0}, Integer.MIN_VALUE))
          .get(10, TimeUnit.SECONDS);
      assertTrue(pulled instanceof dev.psyarn.ps.wire.DataMessages.PullResult, "server 0 answers in TLS: " + pulled);
    }
    ClusterHarness.Run level = harness.psyarn("debug", app, "--role", "worker", "--index", "1", "--log-level",
        "dev.psyarn.ps.container=DEBUG");
    assertEquals(ExitCodes.OK, level.exitCode(), "the owner's command reaches the AM in TLS: " + level.err());

    JsonNode job = WorkerFaultIT.awaitEnd(harness, app);
    assertEquals("SUCCEEDED", job.path("finalStatus").asText(), job.toString());
    JsonNode metrics = job.path("metrics");
    long expected = independentlyComputedTotal(keys, 2, rounds);
    assertEquals(expected, metrics.path("observedTotal").asLong(), "exact sums over TLS: " + metrics);
    assertEquals(0, metrics.path("mismatches").asLong(), metrics.toString());
  }

  @Test
  void theOwnersKillEndsTheJobThroughItsAmAndAnotherUserCannot() throws Exception {
    Path spec = harness.spec("killed.yaml", ClusterHarness.counterSpec("killed-it", 1, 1, 64, 100_000, List.of()));
    ClusterHarness.Run submitted = harness.psyarn("submit", spec.toString(), "--json");
    assertEquals(ExitCodes.OK, submitted.exitCode(), submitted.err());
    String id = submitted.json().path("applicationId").asText();
    WorkerFaultIT.awaitPushingWorker(harness, id, 0, 64);

    ClusterHarness.Run mallory = org.apache.hadoop.security.UserGroupInformation.createRemoteUser("mallory")
        .doAs((java.security.PrivilegedExceptionAction<ClusterHarness.Run>) () -> harness.psyarn("kill", id));
    assertEquals(ExitCodes.PERMISSION_DENIED, mallory.exitCode(), mallory.out() + mallory.err());
    assertTrue(mallory.err().contains("only the owner of " + id), mallory.err());
    try (YarnClient yarn = harness.yarn()) {
      assertEquals(YarnApplicationState.RUNNING,
          yarn.getApplicationReport(ApplicationId.fromString(id)).getYarnApplicationState(), "still running");
    }

    ClusterHarness.Run kill = harness.psyarn("kill", id, "--json");
    assertEquals(ExitCodes.OK, kill.exitCode(), kill.err());
    assertEquals("ended by its ApplicationMaster", kill.json().path("how").asText(), kill.out());
    assertEquals("KILLED", kill.json().path("finalStatus").asText(), kill.out());
    JsonNode job = harness.psyarn("status", id, "--json").json().path("job");
    assertEquals("KILLED", job.path("state").asText(), job.toString());
    assertEquals("KILLED", job.path("finalStatus").asText(), job.toString());
    String user = org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getShortUserName();
    assertTrue(job.path("diagnostics").asText().contains("killed by " + user + " with psyarn kill"), job.toString());
    assertEquals(2, job.path("containers").size(), job.toString());
    for (JsonNode c : job.path("containers")) {
      assertEquals("STOPPING", c.path("state").asText(), "the AM stopped every container: " + c);
    }
    try (YarnClient yarn = harness.yarn()) {
      ApplicationReport app = yarn.getApplicationReport(ApplicationId.fromString(id));
      long running = -1;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (running != 0 && System.nanoTime() < deadline) {
        running = yarn.getContainers(app.getCurrentApplicationAttemptId()).stream()
            .filter(c -> c.getContainerState() == org.apache.hadoop.yarn.api.records.ContainerState.RUNNING).count();
        Thread.sleep(200);
      }
      assertEquals(0, running, "no container of a killed job keeps running");
    }
  }

  @Test
  void invalidSpecsAreRefusedWithTheirFieldPathAndNothingIsSubmitted() throws Exception {
    int before = harness.applicationCount();
    String valid = ClusterHarness.counterSpec("x", 1, 1, 10, 1, List.of());
    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {valid.replace("memory: 128m, jvm", "memory: lots, jvm"), "roles.server.memory"});
    cases.add(new String[] {valid.replace("instances: 1, memory: 128m, jvmOptions: []", "instances: 0, memory: 128m"), "roles.worker.instances"});
    cases.add(new String[] {valid + "colour: blue\n", "colour"});
    cases.add(new String[] {valid.replace("type: counter", "type: nosuchapp"), "app.type"});
    cases.add(new String[] {valid.replace("name: x\n", ""), "name"});
    cases.add(new String[] {valid.replace("server: {instances: 1, memory: 128m", "server: {instances: 1, memory: 900g"), "roles.server.memory"});
    cases.add(new String[] {valid.replace("jvmOptions: []}", "jvmOptions: [], resources: {yarn.io/gpu: 1}}"),
        "roles.worker.resources.yarn.io/gpu"});
    cases.add(new String[] {valid.replace("jvmOptions: []}", "jvmOptions: [], localize: [{source: /no/such/file}]}"),
        "roles.worker.localize[0].source"});
    cases.add(new String[] {Files.readString(ClusterHarness.example("mixed-runtime.yaml"))
        .replace("data/PROVENANCE.md", ClusterHarness.example("data/PROVENANCE.md").toUri().toString()),
        "roles.worker.runtime.type"});
    for (String[] c : cases) {
      Path spec = harness.spec("invalid.yaml", c[0]);
      ClusterHarness.Run run = harness.psyarn("submit", spec.toString(), "--wait");
      assertEquals(ExitCodes.INVALID_SPEC, run.exitCode(), c[1] + ": " + run.err());
      assertTrue(run.err().contains(c[1] + ":"), "expected the field path " + c[1] + " in: " + run.err());
    }
    assertEquals(before, harness.applicationCount(), "an invalid spec must submit nothing");
  }

  private static ApplicationReport awaitState(ApplicationId id, YarnApplicationState wanted) throws Exception {
    try (YarnClient yarn = harness.yarn()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline) {
        ApplicationReport report = yarn.getApplicationReport(id);
        if (report.getYarnApplicationState() == wanted) {
          return report;
        }
        if (report.getYarnApplicationState().ordinal() > wanted.ordinal()) {
          throw new AssertionError(id + " reached " + report.getYarnApplicationState() + " instead of " + wanted
              + ": " + report.getDiagnostics());
        }
        Thread.sleep(200);
      }
      throw new AssertionError(id + " did not reach " + wanted + " in 90 s");
    }
  }

  private static String yarnCli(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ApplicationCLI cli = new ApplicationCLI();
    cli.setSysOutPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8));
    cli.setSysErrPrintStream(new PrintStream(out, true, StandardCharsets.UTF_8));
    cli.setConf(harness.conf);
    String[] full = new String[args.length + 1];
    full[0] = "application";
    System.arraycopy(args, 0, full, 1, args.length);
    int code = ToolRunner.run(new org.apache.hadoop.conf.Configuration(harness.conf), cli, full);
    assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }
}
