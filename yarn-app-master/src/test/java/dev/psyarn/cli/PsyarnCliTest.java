package dev.psyarn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.util.ToolRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line without a cluster: validation, usage errors and exit codes. */
class PsyarnCliTest {

  @TempDir
  Path dir;

  private String out;
  private String err;

  private int psyarn(String... args) throws Exception {
    return psyarn(new Configuration(), args);
  }

  private int psyarn(Configuration conf, String... args) throws Exception {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = ToolRunner.run(conf, new Psyarn(new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(e, true, StandardCharsets.UTF_8)), args);
    out = o.toString(StandardCharsets.UTF_8);
    err = e.toString(StandardCharsets.UTF_8);
    return code;
  }

  @Test
  void aPreprocessingThatFailedBeforeAnyJobPrintsNoEmptyFigures() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    CliContext ctx = new CliContext(new Configuration(false), new PrintStream(o, true, StandardCharsets.UTF_8),
        System.err);
    JobRun.print(ctx, new dev.psyarn.am.JobStatus("application_1_0001", "flights", "FINISHED", "FAILED", 1f,
        "preprocessing failed: preprocess.input: /x does not exist", java.util.List.of(), java.util.Map.of(),
        java.util.List.of(), java.util.Map.of(), java.util.Map.of(), java.util.Map.of(), java.util.Map.of("state", "FAILED")));
    String printed = o.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("preprocess FAILED before any job ran"), printed);
    assertTrue(!printed.contains("null"), printed);
  }

  @Test
  void aReplacedContainerShowsWhyItEndedAndItsReplacementItsRestart() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    CliContext ctx = new CliContext(new Configuration(false), new PrintStream(o, true, StandardCharsets.UTF_8),
        System.err);
    JobRun.print(ctx, new dev.psyarn.am.JobStatus("application_1_0001", "counter", "SUCCEEDED", "SUCCEEDED", 1f,
        "all 2 workers finished", java.util.List.of(
            new dev.psyarn.am.JobStatus.ContainerRow("worker", 1, "container_1_0001_01_000005", "node1", "native",
                "COMPLETED", 137, 0, "KILLED_BY_SIGNAL", null, null, java.util.Map.of()),
            new dev.psyarn.am.JobStatus.ContainerRow("worker", 1, "container_1_0001_01_000007", "node2", "native",
                "COMPLETED", 0, 1, "EXITED_CLEANLY", null, null, java.util.Map.of())),
        java.util.Map.of("server", 0, "worker", 1), java.util.List.of("node1:8041"), java.util.Map.of(),
        java.util.Map.of(), java.util.Map.of(), null));
    String printed = o.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("exit 137 (KILLED_BY_SIGNAL)\n"), printed);
    assertTrue(printed.contains("exit 0, restart 1\n"), printed);
    assertTrue(printed.contains("restarts: {"), printed);
    assertTrue(printed.contains("blacklisted nodes: node1:8041"), printed);
  }

  @Test
  void theCurvesAreSummedUpNotPrintedWhole() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    CliContext ctx = new CliContext(new Configuration(false), new PrintStream(o, true, StandardCharsets.UTF_8),
        System.err);
    java.util.Map<String, Object> metrics = new java.util.LinkedHashMap<>();
    metrics.put("test.logloss", 0.45);
    metrics.put("testCurve", java.util.List.of(java.util.Map.of("epoch", 1.0, "seconds", 8.5, "logloss", 0.4577),
        java.util.Map.of("epoch", 2.0, "seconds", 15.25, "logloss", 0.45)));
    metrics.put("lossCurve", java.util.Map.of("worker0", java.util.List.of(new double[] {1, 0.6})));
    JobRun.print(ctx, new dev.psyarn.am.JobStatus("application_1_0001", "flights", "FINISHED", "SUCCEEDED", 1f,
        "", java.util.List.of(), java.util.Map.of(), java.util.List.of(), java.util.Map.of(), java.util.Map.of(), metrics,
        null));
    String printed = o.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("metrics: {test.logloss=0.45}"), printed);
    assertTrue(printed.contains("test logloss after each epoch: 0.4577 (8.5 s) 0.4500 (15.3 s)"), printed);
    assertTrue(printed.contains("metrics.lossCurve in the report"), printed);

    // A preprocessing job run inside the AM says so; one on the cluster does not.
    o.reset();
    java.util.Map<String, Object> inAm = new java.util.LinkedHashMap<>(java.util.Map.of("name", "shard", "id",
        "job_local7_0001", "state", "SUCCEEDED", "seconds", 12.94, "inProcess", true, "mapTasks", 2L));
    java.util.Map<String, Object> onCluster = new java.util.LinkedHashMap<>(java.util.Map.of("name", "stats", "id",
        "job_1_0002", "state", "SUCCEEDED", "seconds", 20.0, "inProcess", false, "mapTasks", 3L));
    JobRun.print(ctx, new dev.psyarn.am.JobStatus("application_1_0001", "flights", "FINISHED", "SUCCEEDED", 1f,
        "", java.util.List.of(), java.util.Map.of(), java.util.List.of(), java.util.Map.of(), java.util.Map.of(),
        java.util.Map.of(), java.util.Map.of("state", "SUCCEEDED", "jobs", java.util.List.of(onCluster, inAm), "ranIn",
        "am", "ranInBecause", "the input (13.4 MiB) is within psyarn.preprocess.in-am.max-mb (64 MiB)")));
    printed = o.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("    ran in the ApplicationMaster: the input (13.4 MiB) is within "
        + "psyarn.preprocess.in-am.max-mb (64 MiB)\n"), printed);
    assertTrue(printed.contains("    stats  job_1_0002 SUCCEEDED in 20.0 s\n"), printed);
    assertTrue(printed.contains("    shard  job_local7_0001 SUCCEEDED in 12.9 s (inside the ApplicationMaster, 2 map tasks)"),
        printed);
    assertFalse(printed.contains("reused"), printed);

    // An earlier job's output taken from the cache says whose it is and that no job ran now: the jobs
    // listed are the ones that made it.
    o.reset();
    java.util.Map<String, Object> kept = new java.util.LinkedHashMap<>(java.util.Map.of("state", "SUCCEEDED", "reused",
        true, "madeBy", "application_1_0001", "madeAt", "2026-12-04T18:08:31Z", "rowsRead", 100L, "jobs",
        java.util.List.of(inAm), "ranInBecause", "the input (13.4 MiB) is within psyarn.preprocess.in-am.max-mb"));
    JobRun.print(ctx, new dev.psyarn.am.JobStatus("application_1_0002", "flights", "FINISHED", "SUCCEEDED", 1f,
        "", java.util.List.of(), java.util.Map.of(), java.util.List.of(), java.util.Map.of(), java.util.Map.of(),
        java.util.Map.of(), kept));
    printed = o.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("  preprocess SUCCEEDED, reused the output of application_1_0001, made 2026-12-04T18:08:31Z"
        + " (same inputs, section and shard count; no MapReduce job ran now): 100 rows read"), printed);
    assertTrue(printed.contains("    shard  job_local7_0001 SUCCEEDED in 12.9 s (when the output was made; inside the"
        + " ApplicationMaster, 2 map tasks)"), printed);
    assertFalse(printed.contains("ran in the ApplicationMaster"), "no job ran now, nowhere: " + printed);
  }

  @Test
  void validateAcceptsTheExample() throws Exception {
    assertEquals(ExitCodes.OK, psyarn("validate", Path.of("..", "examples", "counter.yaml").toString()));
    assertTrue(out.contains("valid (2 servers, 3 workers, app counter)"), out);
  }

  @Test
  void validateRefusesABadSpecWithItsFieldAndExitCode3() throws Exception {
    Path spec = dir.resolve("bad.yaml");
    Files.writeString(spec, "name: x\nroles: {server: {instances: 1}, worker: {instances: many}}\napp: {type: counter}\n");
    assertEquals(ExitCodes.INVALID_SPEC, psyarn("validate", spec.toString()));
    assertTrue(err.contains("roles.worker.instances: expected a whole number"), err);
    assertTrue(err.contains("Nothing was submitted"), err);
    assertEquals(ExitCodes.INVALID_SPEC, psyarn("validate", "--json", spec.toString()));
    assertTrue(out.contains("\"field\" : \"roles.worker.instances\""), out);
    assertTrue(out.contains("\"valid\" : false"), out);

    Files.writeString(spec, "name: x\nroles: {server: {instances: 1, vcores: 0}, worker: {instances: many}}\n"
        + "app: {type: counter, rounds: 0}\n");
    assertEquals(ExitCodes.INVALID_SPEC, psyarn("validate", spec.toString()));
    assertTrue(err.contains("roles.server.vcores") && err.contains("roles.worker.instances")
        && err.contains("app.rounds") && err.contains("Fix the 3 fields named above"), err);
    assertEquals(ExitCodes.INVALID_SPEC, psyarn("validate", "--json", spec.toString()));
    JsonNode errors = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out).path("errors");
    assertEquals(3, errors.size(), out);
    assertEquals("app.rounds", errors.get(2).path("field").asText(), out);
  }

  @Test
  void aSpecThatIsNotUtf8IsASpecErrorWithTheBytesOffsetAndLine() throws Exception {
    Path spec = dir.resolve("latin1.yaml");
    // "name: café" written by an editor in Latin-1: é is the single byte 0xE9.
    Files.write(spec, "name: t\nqueue: caf\u00e9\nroles: {server: {instances: 1}, worker: {instances: 1}}\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(ExitCodes.INVALID_SPEC, psyarn("validate", spec.toString()));
    assertTrue(err.contains("is not UTF-8 text: byte 18 (0xE9, line 2)"), err);
    assertTrue(err.contains("save the spec as UTF-8"), err);
    assertEquals(ExitCodes.INVALID_SPEC, psyarn("submit", spec.toString()));
    Files.writeString(spec, "name: caf\u00e9\nroles: {server: {instances: 1}, worker: {instances: 1}}\n"
        + "app: {type: counter}\n");
    assertEquals(ExitCodes.OK, psyarn("validate", spec.toString()), "the same text in UTF-8 is valid: " + err);
  }

  @Test
  void validateChecksThatEveryInputTheSpecNamesIsThere() throws Exception {
    String roles = "name: t\nroles: {server: {instances: 1}, worker: {instances: 2}}\n";
    Path spec = dir.resolve("inputs.yaml");
    Files.writeString(spec, roles + "preprocess: {input: no-such/*.csv, format: csv, label: \"y == 1\", "
        + "split: {testFraction: 0.2}, features: [{name: a, column: a}]}\napp: {type: sparse-lr}\n");
    assertEquals(ExitCodes.INVALID_SPEC, psyarn("validate", spec.toString()));
    assertTrue(err.contains("preprocess.input: no file or directory matches") && err.contains("no-such/*.csv"), err);

    Path shards = Files.createDirectories(dir.resolve("shards"));
    Files.writeString(shards.resolve("train-00000.shard"), "");
    Files.writeString(spec, roles + "app: {type: sparse-lr, shards: shards}\n");
    assertEquals(ExitCodes.INVALID_SPEC, psyarn("validate", spec.toString()));
    assertTrue(err.contains("app.shards: no train-00001.shard under") && err.contains("2 workers need 2"), err);
    Files.writeString(shards.resolve("train-00001.shard"), "");
    assertEquals(ExitCodes.INVALID_SPEC, psyarn("validate", spec.toString()));
    assertTrue(err.contains("no test-*.shard files under"), err);
    Files.writeString(shards.resolve("test-00000.shard"), "");
    assertEquals(ExitCodes.OK, psyarn("validate", spec.toString()), err);
    Files.writeString(spec, roles + "app: {type: sparse-lr, shards: shards, pieces: 3}\n");
    assertEquals(ExitCodes.INVALID_SPEC, psyarn("validate", spec.toString()));
    assertTrue(err.contains("pieces: 3 needs 3"), err);

    Files.writeString(spec, roles + "app: {type: sparse-lr, data: nothing-here.parquet}\n");
    assertEquals(ExitCodes.INVALID_SPEC, psyarn("validate", spec.toString()));
    assertTrue(err.contains("app.data: no flights Parquet file at"), err);
  }

  @Test
  void commandsAgainstAResourceManagerThatIsNotThereExit5WithinTheirBound() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort(); // closed again: nothing listens there
    }
    Configuration conf = new org.apache.hadoop.yarn.conf.YarnConfiguration();
    conf.set(org.apache.hadoop.yarn.conf.YarnConfiguration.RM_ADDRESS, "127.0.0.1:" + port);
    conf.setInt(dev.psyarn.PsyarnConfig.CLIENT_RM_TIMEOUT_SECONDS, 2);
    for (String[] command : new String[][] {{"status", "application_1_0001"}, {"list"},
        {"kill", "application_1_0001"}}) {
      long start = System.nanoTime();
      assertEquals(ExitCodes.CLUSTER_ERROR, psyarn(conf, command), String.join(" ", command) + ": " + err);
      double seconds = (System.nanoTime() - start) / 1e9;
      assertTrue(err.contains("cannot reach the ResourceManager at 127.0.0.1:" + port + " within 2 s"), err);
      assertTrue(err.contains("psyarn.client.rm-timeout-seconds"), err);
      // Hadoop's defaults would keep retrying for 15 minutes.
      assertTrue(seconds < 30, String.join(" ", command) + " gave up after " + seconds + " s");
    }
  }

  @Test
  void usageErrorsExitWith2() throws Exception {
    assertEquals(ExitCodes.USAGE, psyarn());
    assertEquals(ExitCodes.USAGE, psyarn("frobnicate"));
    assertEquals(ExitCodes.USAGE, psyarn("submit"));
    assertTrue(err.contains("Missing required parameter"), err);
    assertEquals(ExitCodes.USAGE, psyarn("validate", dir.resolve("missing.yaml").toString()));
    assertTrue(err.contains("no spec file at"), err);
    assertEquals(ExitCodes.USAGE, psyarn("logs", "application_1_0001", "--role", "driver"));
    assertTrue(err.contains("--role must be am, server or worker"), err);
    assertEquals(ExitCodes.USAGE, psyarn("logs", "application_1_0001", "--index", "1"));
    assertTrue(err.contains("--index needs --role"), err);
    assertEquals(ExitCodes.USAGE, psyarn("debug", "application_1_0001", "--role", "worker"));
    assertTrue(err.contains("say what to show or change: --threads, or --log-level"), err);
    assertEquals(ExitCodes.USAGE, psyarn("debug", "application_1_0001", "--log-level", "dev.psyarn"));
    assertTrue(err.contains("--log-level takes LOGGER=LEVEL"), err);
    assertEquals(ExitCodes.USAGE, psyarn("debug", "application_1_0001", "--log-level", "dev.psyarn=LOUD"));
    assertTrue(err.contains("unknown log level \"LOUD\""), err);
    assertEquals(ExitCodes.USAGE, psyarn("debug", "application_1_0001", "--threads"));
    assertTrue(err.contains("name one container"), err);
    assertEquals(ExitCodes.USAGE, psyarn("status", "not-an-app-id"));
    assertTrue(err.contains("is not an application id"), err);
    assertEquals(ExitCodes.USAGE, psyarn("submit", "--report", "r.json",
        Path.of("..", "examples", "counter.yaml").toString()));
    assertTrue(err.contains("--report needs --wait"), err);
  }

  @Test
  void aKeytabSettingThatCannotWorkIsTheUsersToFixBeforeAnythingIsAsked() throws Exception {
    assertEquals(ExitCodes.USAGE, psyarn("-D", "psyarn.kerberos.principal=alice@EXAMPLE.COM", "list"));
    assertTrue(err.contains("psyarn.kerberos.principal and psyarn.kerberos.keytab go together"), err);
    assertEquals(ExitCodes.USAGE, psyarn("-D", "psyarn.kerberos.principal=alice@EXAMPLE.COM",
        "-D", "psyarn.kerberos.keytab=/no/such/alice.keytab", "list"));
    assertTrue(err.contains("/no/such/alice.keytab does not exist"), err);
    java.io.File keytab = java.io.File.createTempFile("alice", ".keytab");
    keytab.deleteOnExit();
    assertEquals(ExitCodes.USAGE, psyarn("-D", "psyarn.kerberos.principal=alice@EXAMPLE.COM",
        "-D", "psyarn.kerberos.keytab=" + keytab, "list"));
    assertTrue(err.contains("the cluster does not use Kerberos"), err);
  }

  @Test
  void yarnsRefusalUnderItsAclsIsPermissionDenied() {
    org.apache.hadoop.yarn.exceptions.YarnException refused = new org.apache.hadoop.yarn.exceptions.YarnException(
        "java.security.AccessControlException: User bob cannot perform operation MODIFY_APP on application_1_0001");
    assertTrue(Failures.refusedAccess(refused));
    assertTrue(Failures.refusedAccess(new java.io.IOException("wrapped",
        new org.apache.hadoop.security.AccessControlException("Permission denied: user=bob"))));
    assertEquals(false, Failures.refusedAccess(new org.apache.hadoop.yarn.exceptions.YarnException("no such queue")));
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code = new Failures(new PrintStream(e, true, StandardCharsets.UTF_8)).handleExecutionException(refused, null, null);
    assertEquals(ExitCodes.PERMISSION_DENIED, code);
    assertTrue(e.toString(StandardCharsets.UTF_8).contains("permission denied: java.security.AccessControlException: "
        + "User bob cannot perform operation MODIFY_APP"), e.toString(StandardCharsets.UTF_8));
  }
}
