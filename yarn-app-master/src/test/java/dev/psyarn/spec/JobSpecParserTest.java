package dev.psyarn.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.specs.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.psyarn.runtime.JvmProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobSpecParserTest {

  private static final String VALID = """
      name: t
      queue: research
      tags: [a, b]
      priority: 3
      maxAppAttempts: 2
      am: {memory: 1g, vcores: 2}
      roles:
        server: {instances: 2, memory: 256m}
        worker: {instances: 3, memory: 512, vcores: 2, jvmOptions: ["-Xss2m"], env: {MODE: fast, LEVEL: 3}}
      app: {type: counter, keys: 100}
      """;

  @Test
  void validSpecBecomesImmutableRecords() {
    JobSpec spec = JobSpecParser.parse(VALID);
    assertEquals("t", spec.name());
    assertEquals("research", spec.queue());
    assertEquals(List.of("a", "b"), spec.tags());
    assertEquals(3, spec.priority());
    assertEquals(2, spec.maxAppAttempts());
    assertEquals(1024, spec.am().memoryMb());
    assertEquals(2, spec.role(Role.SERVER).instances());
    assertEquals(256, spec.role(Role.SERVER).resources().memoryMb());
    assertEquals(512, spec.role(Role.WORKER).resources().memoryMb());
    assertEquals(List.of("-Xss2m"), spec.role(Role.WORKER).jvmOptions());
    assertEquals("3", spec.role(Role.WORKER).environment().get("LEVEL"));
    assertEquals("counter", spec.appType());
    assertEquals(5, spec.totalContainers());
    assertThrows(UnsupportedOperationException.class, () -> spec.tags().add("c"));
  }

  @Test
  void defaultsApplyToOptionalFields() {
    JobSpec spec = JobSpecParser.parse("""
        name: t
        roles: {server: {instances: 1}, worker: {instances: 1}}
        app: {type: counter}
        """);
    assertEquals("default", spec.queue());
    assertEquals(1, spec.maxAppAttempts());
    assertEquals(512, spec.role(Role.SERVER).resources().memoryMb());
  }

  @Test
  void theShippedExamplesAreValid() throws Exception {
    assertEquals("counter", JobSpecParser.parse(Files.readString(Path.of("..", "examples", "counter.yaml"))).name());
    JobSpec flights = JobSpecParser.parse(Files.readString(Path.of("..", "examples", "flights-lr.yaml")));
    assertEquals("sparse-lr", flights.appType());
    assertEquals(new Partitioning("consistent-hash", 128), flights.partitioning());
    assertTrue(flights.preprocesses());
    assertEquals(13, flights.preprocess().features().size());
    JobSpec mixed = JobSpecParser.parse(Files.readString(Path.of("..", "examples", "mixed-runtime.yaml")));
    assertEquals("native", mixed.role(Role.SERVER).runtime().type());
    dev.psyarn.runtime.RuntimeSpec.Docker docker = (dev.psyarn.runtime.RuntimeSpec.Docker) mixed.role(Role.WORKER).runtime();
    assertEquals("psyarn/worker:0.1", docker.image());
    assertEquals("/opt/hadoop:/opt/hadoop:ro", docker.environment().get("YARN_CONTAINER_RUNTIME_DOCKER_MOUNTS"));
    assertEquals("/scratch", docker.environment().get("YARN_CONTAINER_RUNTIME_DOCKER_TMPFS_MOUNTS"));
    assertEquals("host", docker.environment().get("YARN_CONTAINER_RUNTIME_DOCKER_CONTAINER_NETWORK"));
    assertEquals("docker", docker.environment().get("WORKER_MODE"));
    assertEquals(1, mixed.role(Role.WORKER).volumes().size());
    assertEquals("provenance.md", mixed.role(Role.WORKER).volumes().get(0).name());
  }

  @Test
  void tlsIsTheSpecsWordOrElseTheClustersAndItsSectionIsChecked() {
    org.apache.hadoop.conf.Configuration off = new org.apache.hadoop.conf.Configuration(false);
    org.apache.hadoop.conf.Configuration on = new org.apache.hadoop.conf.Configuration(false);
    on.setBoolean(dev.psyarn.PsyarnConfig.TLS, true);
    assertEquals(false, JobSpecParser.parse(VALID).tls(off));
    assertEquals(true, JobSpecParser.parse(VALID).tls(on), "the cluster's default where the spec says nothing");
    assertEquals(true, JobSpecParser.parse(VALID + "security: {tls: true}\n").tls(off));
    assertEquals(false, JobSpecParser.parse(VALID + "security: {tls: false}\n").tls(on), "the spec's word wins");
    refused(VALID + "security: {tls: yes please}\n", "security.tls", "true or false");
    refused(VALID + "security: {encryption: tls}\n", "security.encryption", "tls");
  }

  @Test
  void partitioningDefaultsToConsistentHashingAndRefusesUnknownPartitioners() {
    assertEquals(Partitioning.DEFAULT, JobSpecParser.parse(VALID).partitioning());
    assertEquals(new Partitioning("range", 128),
        JobSpecParser.parse(VALID + "partitioning: {type: range}\n").partitioning());
    refused(VALID + "partitioning: {type: modulo}\n", "partitioning.type", "known: consistent-hash, range");
    refused(VALID + "partitioning: {virtualNodes: 0}\n", "partitioning.virtualNodes", "from 1 to 4096");
  }

  @Test
  void relativeAppPathsAreMadeAbsoluteForTheCluster() throws Exception {
    String staged = JobSpecParser.normalize(Files.readString(Path.of("..", "examples", "flights-lr.yaml")),
        java.net.URI.create("file:/opt/psyarn/examples/"));
    assertTrue(staged.contains("file:/opt/psyarn/examples/data/flights-3m.parquet"), staged);
    assertEquals("flights-lr", JobSpecParser.parse(staged).name());
  }

  @Test
  void restartPoliciesAndLivenessHaveDefaultsPerRoleAndBadValuesNameTheirField() {
    JobSpec plain = JobSpecParser.parse(VALID);
    assertEquals(RestartPolicy.WORKER_DEFAULT, plain.role(Role.WORKER).restart());
    assertEquals(RestartPolicy.Mode.NEVER, plain.role(Role.SERVER).restart().mode());
    assertEquals(Liveness.DEFAULT, plain.role(Role.WORKER).liveness());
    JobSpec tuned = JobSpecParser.parse(VALID.replace("jvmOptions: [\"-Xss2m\"]", "restart: {policy: always, "
        + "maxRestarts: 5, windowSeconds: 120, backoffSeconds: 0.5, maxBackoffSeconds: 8}, "
        + "liveness: {heartbeatTimeoutSeconds: 10, registrationTimeoutSeconds: 30, allocationTimeoutSeconds: 90}"));
    assertEquals(new RestartPolicy(RestartPolicy.Mode.ALWAYS, 5, 120_000, 500, 8_000), tuned.role(Role.WORKER).restart());
    assertEquals(new Liveness(10_000, 30_000, 90_000), tuned.role(Role.WORKER).liveness());

    String worker = "worker: {instances: 3, memory: 512, vcores: 2, jvmOptions: [\"-Xss2m\"], env: {MODE: fast, LEVEL: 3}}";
    refused(VALID.replace(worker, "worker: {instances: 1, restart: {policy: sometimes}}"), "roles.worker.restart.policy",
        "use never, onFailure or always");
    refused(VALID.replace(worker, "worker: {instances: 1, restart: {maxRestarts: -1}}"), "roles.worker.restart.maxRestarts",
        "");
    refused(VALID.replace(worker, "worker: {instances: 1, restart: {backoffSeconds: 10, maxBackoffSeconds: 2}}"),
        "roles.worker.restart.maxBackoffSeconds", "at least backoffSeconds");
    refused(VALID.replace(worker, "worker: {instances: 1, restart: {retries: 2}}"), "roles.worker.restart.retries", "");
    refused(VALID.replace(worker, "worker: {instances: 1, liveness: {heartbeatTimeoutSeconds: 0.1}}"),
        "roles.worker.liveness.heartbeatTimeoutSeconds", "between 1.0 and 86400 seconds");
    refused(VALID.replace("server: {instances: 2, memory: 256m}", "server: {instances: 2, restart: {policy: onFailure}}"),
        "roles.server.restart.policy", "add replication: 1 or a checkpoint section");
  }

  @Test
  void checkpointsMakeServersRestartableAndTheirFieldsAreChecked() {
    JobSpec spec = JobSpecParser.parse(VALID + "checkpoint: {everyClocks: 20, keep: 3, dir: /ckpt}\nresumeFrom: /ckpt/app_1\n");
    assertEquals(new ServerState(20, 0, 3, "/ckpt", "/ckpt/app_1", 0), spec.serverState());
    assertEquals(RestartPolicy.Mode.ON_FAILURE, spec.role(Role.SERVER).restart().mode(), "servers restart by default");
    assertEquals("/ckpt/application_7_0001", spec.serverState().checkpointRoot("/staging/application_7_0001"));
    assertEquals("/staging/application_7_0001/checkpoints",
        JobSpecParser.parse(VALID + "checkpoint: {everyClocks: 5}\n").serverState().checkpointRoot("/staging/application_7_0001"));
    assertEquals(ServerState.NONE, JobSpecParser.parse(VALID).serverState());
    refused(VALID + "checkpoint: {keep: 2}\n", "checkpoint.everyClocks", "give one of everyClocks");
    refused(VALID + "checkpoint: {everyClocks: 5, everySeconds: 30}\n", "checkpoint.everyClocks", "or everySeconds");
    refused(VALID + "checkpoint: {everySeconds: 0.5}\n", "checkpoint.everySeconds", "from 1 to 86400");
    ServerState timed = JobSpecParser.parse(VALID + "checkpoint: {everySeconds: 30}\n").serverState();
    assertEquals(30.0, timed.everySeconds());
    assertTrue(timed.checkpoints() && timed.recoverable(), "checkpoints by time make servers restartable");
    refused(VALID + "checkpoint: {everyClocks: 0}\n", "checkpoint.everyClocks", "");
    refused(VALID + "checkpoint: {everyClocks: 5, every: 2}\n", "checkpoint.every", "");
    refused(VALID + "checkpoint: {everyClocks: 5, keep: 0}\n", "checkpoint.keep", "");
    refused(VALID + "resumeFrom: \" \"\n", "resumeFrom", "non-empty");
    JobSpec replicated = JobSpecParser.parse(VALID + "replication: 1\n");
    assertEquals(1, replicated.serverState().replication());
    assertEquals(RestartPolicy.Mode.ON_FAILURE, replicated.role(Role.SERVER).restart().mode(), "replicas make servers restartable");
    refused(VALID + "replication: 2\n", "replication", "use at most 1 or add servers");
    refused(VALID + "replication: -1\n", "replication", "");
  }

  @Test
  void everyErrorOfASpecIsReportedAtOnceEachWithItsFieldPath() {
    SpecException e = assertThrows(SpecException.class, () -> JobSpecParser.parse("""
        name: t
        priority: -1
        roles:
          server: {instances: 0}
          worker: {instances: 2, memory: lots}
        partitioning: {type: modulo}
        app: {type: sparse-lr, data: /d.parquet, epochs: 0}
        checkpoint: {keep: 2}
        """));
    assertEquals(List.of("priority", "roles.server.instances", "checkpoint.everyClocks", "roles.worker.memory",
        "partitioning.type", "app.epochs"), e.all().stream().map(SpecException::field).toList(), e.all().toString());
    assertEquals("priority", e.field(), "the first error is the exception's own");
    SpecException one = assertThrows(SpecException.class, () -> JobSpecParser.parse(VALID + "replication: x\n"));
    assertEquals(List.of(one), one.all(), "a single error is itself");
  }

  @Test
  void piecesCutTheTrainingShardsAndCannotBeCheckpointed() {
    String sparse = VALID.replace("app: {type: counter, keys: 100}", "app: {type: sparse-lr, data: /d.parquet, pieces: 12, epochs: 2}");
    JobSpec spec = JobSpecParser.parse(sparse);
    assertEquals(new dev.psyarn.ps.api.PieceLayout(2, 12), spec.pieces());
    assertEquals(12, spec.trainingShards(), "one shard a part, whatever the workers");
    assertEquals(3, JobSpecParser.parse(VALID).trainingShards(), "without pieces: one a worker");
    refused(sparse + "checkpoint: {everyClocks: 5}\n", "checkpoint", "use replication: 1");
    refused(VALID.replace("keys: 100}", "keys: 100, pieces: true}") + "checkpoint: {everyClocks: 5}\n", "checkpoint",
        "drop app.pieces");
    JobSpecParser.parse(sparse + "replication: 1\n");
  }

  @Test
  void containersAndTheAmStartQuickUnlessTheSpecAsksForPeakAndAnUnknownProfileIsNamed() {
    JobSpec spec = JobSpecParser.parse(VALID);
    assertEquals(JvmProfile.QUICK, spec.amJvmProfile());
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss2m"),
        spec.role(Role.WORKER).containerJvmOptions());
    JobSpec peak = JobSpecParser.parse(VALID.replace("am: {memory: 1g, vcores: 2}", "am: {memory: 1g, jvmProfile: peak}")
        .replace("server: {instances: 2, memory: 256m}", "server: {instances: 2, jvmProfile: peak, jvmOptions: [\"-Xss1m\"]}")
        .replace("jvmOptions: [\"-Xss2m\"]", "jvmOptions: [\"-XX:+UseParallelGC\"]"));
    assertEquals(JvmProfile.PEAK, peak.amJvmProfile());
    assertEquals(List.of("-Xss1m"), peak.role(Role.SERVER).containerJvmOptions());
    // The user's collector replaces the profile's (two would stop the JVM); C1 stays.
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC"), peak.role(Role.WORKER).containerJvmOptions());
    refused(VALID.replace("server: {instances: 2, memory: 256m}", "server: {instances: 2, jvmProfile: fast}"),
        "roles.server.jvmProfile", "unknown JVM profile \"fast\"; use quick");
    refused(VALID.replace("am: {memory: 1g, vcores: 2}", "am: {jvmProfile: c2}"), "am.jvmProfile", "or throughput (C2 and the parallel collector");
  }

  private static void refused(String yaml, String field, String words) {
    SpecException e = assertThrows(SpecException.class, () -> JobSpecParser.parse(yaml));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().startsWith(field.isEmpty() ? "(top level)" : field + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(words), e.getMessage());
  }

  @Test
  void eachKindOfMistakeNamesItsField() {
    refused(VALID.replace("memory: 256m", "memory: lots"), "roles.server.memory", "expected a size");
    refused(VALID.replace("server: {instances: 2", "server: {instances: 0"), "roles.server.instances", "from 1 to");
    refused(VALID.replace("server: {instances: 2", "server: {instanze: 2"), "roles.server.instanze", "unknown field");
    refused(VALID.replace("  server:", "  servers:"), "roles.servers", "allowed here: server, worker");
    refused(VALID.replace("name: t\n", ""), "name", "required field is missing");
    refused(VALID.replace("priority: 3", "priority: high"), "priority", "whole number");
    refused(VALID.replace("type: counter", "type: pagerank"), "app.type", "known: counter");
    refused(VALID.replace("keys: 100", "keys: -1"), "app.keys", "from 1");
    refused(VALID.replace("MODE: fast", "PSYARN_ROLE: x"), "roles.worker.env.PSYARN_ROLE", "set by psyarn");
    refused(VALID.replace("MODE: fast", "\"1BAD\": x"), "roles.worker.env.1BAD", "not a valid");
    refused(VALID.replace("tags: [a, b]", "tags: a"), "tags", "list of strings");
    refused(VALID + "roles: {}\n", "", "Duplicate field 'roles'");
    refused("name: [unclosed", "", "not valid YAML at line 1");
    refused("", "", "empty document");
    refused(VALID.replace("app: {type: counter, keys: 100}", ""), "app", "required");
  }

  private static final String PRE = """
      preprocess:
        input: data/clicks.csv
        format: {type: csv, header: true}
        label: "clicked == 1"
        split: {testFraction: 0.2}
        features:
          - {name: c, column: country}
          - {name: h, column: ts, part: hour}
          - {name: ch, cross: [c, h]}
      """;

  @Test
  void preprocessSectionsAreReadAndTheirMistakesNamed() {
    String lr = VALID.replace("app: {type: counter, keys: 100}", "app: {type: sparse-lr}");
    JobSpec spec = JobSpecParser.parse(lr + PRE);
    assertTrue(spec.preprocesses());
    assertEquals(3, spec.preprocess().features().size());
    assertEquals("hdfs://nn/tmp/a/preprocess", spec.preprocessOutput("hdfs://nn/tmp/a"));
    refused(lr, "app.data", "unless the spec has a preprocess section");
    refused(lr + PRE.replace("format: {type: csv, header: true}", "format: orc"), "preprocess.format",
        "known: parquet, csv, libsvm, text");
    refused(lr + PRE.replace("clicked == 1", "clicked =="), "preprocess.label", "at character");
    refused(lr + PRE.replace("cross: [c, h]", "cross: [c, x]"), "preprocess.features[2].cross",
        "\"x\" is not a feature declared before this one");
    refused(lr + PRE.replace("part: hour", "part: minute"), "preprocess.features[1].part", "known: hour");
    refused(lr + PRE.replace("testFraction: 0.2", "testFraction: 1.5"), "preprocess.split.testFraction", "below 1");
    refused(lr + PRE.replace("{name: c, column: country}", "{name: c, column: country, buckets: [3, 1]}"),
        "preprocess.features[0].buckets", "strictly ascending");
    refused(lr + PRE.replace("name: ch,", "name: c,"), "preprocess.features[2].name", "declared twice");
    refused(lr + PRE + "  encoding: {type: dictionary, bits: 20}\n", "preprocess.encoding.bits", "only a hash");
    refused(lr + PRE + "  maxBadFraction: 2\n", "preprocess.maxBadFraction", "from 0");
    refused(lr.replace("{type: sparse-lr}", "{type: sparse-lr, shards: /s}") + PRE, "app.shards", "one or the other");
  }

  @Test
  void preprocessingRunsWhereRunInSaysAndAnAmThatMayRunMapTasksStartsForThroughput() {
    String lr = VALID.replace("app: {type: counter, keys: 100}", "app: {type: sparse-lr}");
    JobSpec auto = JobSpecParser.parse(lr + PRE);
    assertEquals(dev.psyarn.mapreduce.preprocess.PreprocessSpec.RunIn.AUTO, auto.preprocess().runIn());
    assertEquals(JvmProfile.THROUGHPUT, auto.amJvmProfile(), "its AM may run the map tasks: C2, the parallel collector");
    JobSpec am = JobSpecParser.parse(lr + PRE + "  runIn: am\n");
    assertEquals(dev.psyarn.mapreduce.preprocess.PreprocessSpec.RunIn.AM, am.preprocess().runIn());
    assertEquals(JvmProfile.THROUGHPUT, am.amJvmProfile());
    JobSpec cluster = JobSpecParser.parse(lr + PRE + "  runIn: cluster\n");
    assertEquals(dev.psyarn.mapreduce.preprocess.PreprocessSpec.RunIn.CLUSTER, cluster.preprocess().runIn());
    assertEquals(JvmProfile.QUICK, cluster.amJvmProfile(), "an AM that only watches MapReduce applications");
    assertEquals(JvmProfile.QUICK, JobSpecParser.parse(lr.replace("{type: sparse-lr}", "{type: sparse-lr, shards: /s}"))
        .amJvmProfile(), "no preprocessing");
    assertEquals(JvmProfile.QUICK, JobSpecParser.parse((lr + PRE).replace("am: {memory: 1g, vcores: 2}",
        "am: {memory: 1g, vcores: 2, jvmProfile: quick}")).amJvmProfile(), "the spec's own choice stands");
    refused(lr + PRE + "  runIn: yarn\n", "preprocess.runIn", "must be auto (in the ApplicationMaster when the input is "
        + "small), am (always there) or cluster");
    refused(lr + PRE + "  runIn: am\n  runtime: {type: docker, image: psyarn/tasks:1}\n", "preprocess.runIn",
        "not in the tasks' runtime");
    JobSpecParser.parse(lr + PRE + "  runIn: cluster\n  runtime: {type: docker, image: psyarn/tasks:1}\n");
  }

  @Test
  void relativePreprocessInputsAreMadeAbsolute() {
    String lr = VALID.replace("app: {type: counter, keys: 100}", "app: {type: sparse-lr}");
    String staged = JobSpecParser.normalize(lr + PRE, java.net.URI.create("file:/opt/jobs/"));
    assertEquals("file:/opt/jobs/data/clicks.csv", JobSpecParser.parse(staged).preprocess().input());
  }
}
