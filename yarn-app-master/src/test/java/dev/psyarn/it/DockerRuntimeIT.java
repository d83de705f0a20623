package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.psyarn.cli.ExitCodes;
import dev.psyarn.mapreduce.jobs.Preprocess;
import dev.psyarn.mapreduce.jobs.PreprocessReport;
import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import dev.psyarn.specs.SpecNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker really runs in a Docker container on a real Docker engine, started from the docker
 * command that YARN's own {@code DockerLinuxContainerRuntime} generated for our launch context,
 * while the server runs as a native container of the same application ({@link DockerEngineExecutor}).
 *
 * <p>Needs a running Docker engine: {@code .ci/run} installs Debian's {@code docker.io} and starts
 * it, and sets {@code PSYARN_REQUIRE_DOCKER=1} so that a missing engine fails the build there.
 * Elsewhere, without an engine, the test is skipped and says why.
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class DockerRuntimeIT {

  private static final String IMAGE = "psyarn/worker:0.1";
  private static ClusterHarness harness;

  @BeforeAll
  static void startClusterWithDockerEngine() throws Exception {
    String engine = docker("info", "--format", "{{.ServerVersion}}");
    if (engine == null) {
      String why = "no Docker engine answers `docker info` (install docker.io and start "
          + "`dockerd --bridge=none --iptables=false`, as .ci/run does)";
      if ("1".equals(System.getenv("PSYARN_REQUIRE_DOCKER"))) {
        fail(why + ", and PSYARN_REQUIRE_DOCKER=1 asks for it");
      }
      Assumptions.abort(why);
    }
    Path project = Paths.get(System.getProperty("psyarn.project.dir", "..")).toAbsolutePath().normalize();
    Process build = new ProcessBuilder(project.resolve("docker/build-image.sh").toString(), IMAGE)
        .redirectErrorStream(true).start();
    String built = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(build.waitFor(5, TimeUnit.MINUTES) && build.exitValue() == 0, "docker/build-image.sh: " + built);

    Path work = Paths.get("target", "it", "docker").toAbsolutePath();
    Path capture = Files.createDirectories(work.resolve("docker-commands"));
    // Where YARN's setuid container-executor would be: keeps the command file the runtime hands it.
    Path standIn = work.resolve("container-executor");
    Files.writeString(standIn, "#!/bin/sh\n# args: user yarn-user operation app container ... command-file ...\n"
        + "for a in \"$@\"; do\n  if [ -f \"$a\" ] && grep -q docker-command-execution \"$a\"; then cp \"$a\" '"
        + capture + "'/\"$5\".cmd; fi\ndone\nexit 0\n");
    assertTrue(standIn.toFile().setExecutable(true));

    Map<String, String> nm = new LinkedHashMap<>();
    nm.put("yarn.nodemanager.container-executor.class", DockerEngineExecutor.class.getName());
    nm.put("yarn.nodemanager.linux-container-executor.path", standIn.toString());
    nm.put(DockerEngineExecutor.CAPTURE_DIR, capture.toString());
    nm.put("yarn.nodemanager.runtime.linux.allowed-runtimes", "default,docker");
    nm.put("yarn.nodemanager.runtime.linux.docker.allowed-container-networks", "host,none");
    nm.put("yarn.nodemanager.runtime.linux.docker.default-container-network", "host");
    nm.put("yarn.nodemanager.runtime.linux.docker.enable-userremapping.allowed", "false");
    // The containers' Hadoop classpath (the test JVM's) mounted read-only by the NodeManager, as
    // docs/docker.md advises for a cluster's Hadoop installation.
    StringBuilder mounts = new StringBuilder();
    for (String root : classpathRoots(project)) {
      mounts.append(mounts.length() == 0 ? "" : ",").append(root).append(':').append(root);
    }
    nm.put("yarn.nodemanager.runtime.linux.docker.default-ro-mounts", mounts.toString());
    harness = ClusterHarness.start("docker", 1, true, nm);
    // psyarn's pre-submission check reads the executor class from the configuration the client
    // sees; the NodeManager here runs DockerEngineExecutor in place of the LinuxContainerExecutor
    // that a real cluster's client configuration would name.
    harness.conf.set("yarn.nodemanager.container-executor.class",
        "org.apache.hadoop.yarn.server.nodemanager.LinuxContainerExecutor");
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) {
      harness.close();
      String left = docker("ps", "-aq", "--filter", "ancestor=" + IMAGE);
      if (left != null && !left.isBlank()) {
        List<String> rm = new ArrayList<>(List.of("rm", "-f"));
        rm.addAll(List.of(left.strip().split("\\s+")));
        docker(rm.toArray(new String[0]));
      }
    }
  }

  @Test
  void dockerWorkerAndNativeServerRunOneCounterJob() throws Exception {
    int keys = 500;
    int rounds = 3;
    Path spec = harness.spec("mixed.yaml", """
        name: mixed-runtime-it
        am: {memory: 256m}
        roles:
          server: {instances: 1, memory: 128m, runtime: native, jvmOptions: ["-XX:TieredStopAtLevel=1"]}
          worker:
            instances: 1
            memory: 128m
            jvmOptions: ["-XX:TieredStopAtLevel=1"]
            runtime: {type: docker, image: %s, network: host, env: {IT_MODE: docker}}
        app: {type: counter, keys: %d, rounds: %d}
        """.formatted(IMAGE, keys, rounds));
    Path report = harness.work.resolve("mixed-report.json");

    ClusterHarness.Run run = harness.psyarn("submit", spec.toString(), "--wait", "--report", report.toString());

    assertEquals(ExitCodes.OK, run.exitCode(), run.out() + run.err());
    JsonNode r = ClusterHarness.JSON.readTree(Files.readString(report));
    assertEquals("SUCCEEDED", r.path("finalStatus").asText(), r.toString());
    assertEquals(0, r.path("metrics").path("mismatches").asLong(-1), r.path("metrics").toString());
    assertEquals(keys, r.path("metrics").path("keys").asLong());
    String workerId = null;
    for (JsonNode c : r.path("containers")) {
      assertEquals(0, c.path("exitCode").asInt(-1), c.toString());
      if ("worker".equals(c.path("role").asText())) {
        assertEquals("docker", c.path("runtime").asText(), c.toString());
        workerId = c.path("id").asText();
      } else {
        assertEquals("native", c.path("runtime").asText(), c.toString());
      }
    }
    assertTrue(workerId != null, r.toString());

    // The engine ran the worker: YARN's container id is the Docker container's name.
    String inspected = docker("inspect", "--format",
        "{{.Config.Image}}|{{.State.ExitCode}}|{{.HostConfig.NetworkMode}}|{{.Config.User}}|{{json .Config.Cmd}}", workerId);
    assertTrue(inspected != null, "no Docker container named " + workerId);
    String[] f = inspected.strip().split("\\|", 5);
    assertEquals(IMAGE, f[0]);
    assertEquals("0", f[1], "the container's own exit code");
    assertEquals("host", f[2]);
    assertEquals(System.getProperty("user.name"), f[3], "runs as the submitting user");
    assertTrue(f[4].contains("launch_container.sh"), f[4]);
    // The role's environment reaches the container through YARN's launch script, not docker -e.
    String env = docker("inspect", "--format", "{{json .Config.Env}}", workerId);
    assertTrue(env != null && !env.contains("IT_MODE"), env);
  }

  @Test
  void preprocessingTasksRunInTheSpecsImage() throws Exception {
    Configuration conf = new Configuration(harness.conf);
    // Real task containers (not uber mode, which runs tiny jobs inside MapReduce's AM), kept small.
    conf.setBoolean("mapreduce.job.ubertask.enable", false);
    conf.setInt("mapreduce.map.memory.mb", 256);
    conf.setInt("mapreduce.reduce.memory.mb", 256);
    conf.set("mapreduce.map.java.opts", "-Xmx160m -XX:TieredStopAtLevel=1");
    conf.set("mapreduce.reduce.java.opts", "-Xmx160m -XX:TieredStopAtLevel=1");
    conf.setInt("mapreduce.task.io.sort.mb", 20);
    FileSystem fs = FileSystem.get(conf);
    StringBuilder csv = new StringBuilder("delay,carrier,origin\n");
    for (int i = 0; i < 200; i++) {
      csv.append(i % 7 * 5).append(',').append("C").append(i % 3).append(',').append("O").append(i % 11).append('\n');
    }
    try (var out = fs.create(new org.apache.hadoop.fs.Path("/data/tiny.csv"))) {
      out.write(csv.toString().getBytes(StandardCharsets.UTF_8));
    }
    Set<String> before = containersOfImage();
    PreprocessSpec spec = PreprocessSpec.read(SpecNode.root(new ObjectMapper(new YAMLFactory()).readTree("""
        input: /data/tiny.csv
        format: {type: csv, header: true}
        label: "delay >= 15"
        split: {testFraction: 0.2}
        features: [{name: carrier, column: carrier}, {name: origin, column: origin}]
        runtime: {type: docker, image: %s}
        """.formatted(IMAGE))));

    PreprocessReport report = Preprocess.run(conf, spec, new org.apache.hadoop.fs.Path("/out/tiny"), 2,
        (job, id, map, reduce) -> { });

    assertEquals(200L, ((Number) report.figures().get("rowsRead")).longValue(), report.toMap().toString());
    Set<String> ran = containersOfImage();
    ran.removeAll(before);
    // The stage's one job (hashing, no count filter: one pass; no reducers, its map writes the
    // shards) ran its map task on the engine, from YARN's docker commands, not inside the AM.
    assertEquals(List.of("shard"), Preprocess.jobNames(spec));
    assertEquals(false, report.jobs().get(0).get("uber"), report.jobs().toString());
    long maps = ((Number) report.jobs().get(0).get("mapTasks")).longValue();
    assertTrue(maps >= 1 && ran.size() >= maps, maps + " map task(s), task containers on the engine: " + ran);
    for (String name : ran) {
      assertEquals("0", docker("inspect", "--format", "{{.State.ExitCode}}", name).strip(), name);
    }
  }

  /** The names of the engine's containers (running or exited) made from the test image. */
  private static Set<String> containersOfImage() throws Exception {
    String out = docker("ps", "-a", "--filter", "ancestor=" + IMAGE, "--format", "{{.Names}}");
    assertTrue(out != null, "docker ps failed");
    Set<String> names = new LinkedHashSet<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        names.add(line.strip());
      }
    }
    return names;
  }

  /** Runs the docker client; its standard output, or null when it fails. */
  private static String docker(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("docker");
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      return null;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return null;
    }
    return p.exitValue() == 0 ? out : null;
  }

  /**
   * The directories that hold every entry of this JVM's classpath (which local mode hands the
   * containers), following a manifest-only jar's Class-Path: the Maven repository and the project.
   */
  private static Set<String> classpathRoots(Path project) throws IOException {
    Path repo = Paths.get(System.getProperty("psyarn.m2.repo",
        Paths.get(System.getProperty("user.home"), ".m2", "repository").toString())).toAbsolutePath().normalize();
    List<Path> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Paths.get(e).toAbsolutePath().normalize();
      entries.add(path);
      if (path.toString().endsWith(".jar") && Files.isRegularFile(path)) {
        try (JarFile jar = new JarFile(path.toFile())) {
          Manifest m = jar.getManifest();
          String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
          if (cp != null) {
            for (String url : cp.trim().split("\\s+")) {
              entries.add(Paths.get(java.net.URI.create(url).isAbsolute() ? java.net.URI.create(url).getPath() : url)
                  .toAbsolutePath().normalize());
            }
          }
        }
      }
    }
    Set<String> roots = new LinkedHashSet<>();
    for (Path e : entries) {
      if (e.startsWith(repo)) {
        roots.add(repo.toString());
      } else if (e.startsWith(project)) {
        roots.add(project.toString());
      } else {
        fail("classpath entry " + e + " is neither in the Maven repository " + repo + " nor in the project " + project
            + ": the Docker worker would not see it");
      }
    }
    return roots;
  }
}
