package dev.psyarn.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.psyarn.PsyarnConfig;
import dev.psyarn.cli.Psyarn;
import dev.psyarn.local.LocalCluster;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.util.ToolRunner;
import org.apache.hadoop.yarn.client.api.YarnClient;

/**
 * One local HDFS + YARN cluster for a test class, and the psyarn command run against it in this JVM.
 */
final class ClusterHarness implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** What one run of the command printed and returned. */
  record Run(int exitCode, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }
  }

  final LocalCluster cluster;
  final Configuration conf;
  final Path work;

  private ClusterHarness(LocalCluster cluster, Configuration conf, Path work) {
    this.cluster = cluster;
    this.conf = conf;
    this.work = work;
  }

  static ClusterHarness start(String name, int nodeManagers) throws IOException {
    return start(name, nodeManagers, false);
  }

  /** A cluster that also runs MapReduce jobs (for specs with a preprocess section). */
  static ClusterHarness start(String name, int nodeManagers, boolean mapReduce) throws IOException {
    return start(name, nodeManagers, mapReduce, Map.of());
  }

  /** A cluster with extra settings for the ResourceManager and NodeManagers. */
  static ClusterHarness start(String name, int nodeManagers, boolean mapReduce, Map<String, String> settings)
      throws IOException {
    Path work = Paths.get("target", "it", name).toAbsolutePath();
    Files.createDirectories(work);
    // The NodeManagers' directories below the class's own work directory, and their container logs
    // kept after each application (a day, not LocalCluster's 1 s): KeptContainerLogs prints a failed
    // test's, and they stay on disk for reading.
    System.setProperty("test.build.data", work.resolve("yarn").toString());
    Map<String, String> withLogs = new java.util.HashMap<>(settings);
    withLogs.putIfAbsent(org.apache.hadoop.yarn.conf.YarnConfiguration.NM_LOG_RETAIN_SECONDS, "86400");
    LocalCluster cluster = LocalCluster.start(work.toFile(), nodeManagers, withLogs, mapReduce);
    Configuration conf = cluster.conf();
    conf.set(PsyarnConfig.JAR, distJar().toString());
    return new ClusterHarness(cluster, conf, work);
  }

  /** The mini cluster's default file system, as a URI prefix ("hdfs://localhost:port"). */
  String fsUri() {
    return conf.get("fs.defaultFS").replaceAll("/+$", "");
  }

  static Path distJar() {
    String jar = System.getProperty("psyarn.dist.jar");
    if (jar == null || !new File(jar).isFile()) {
      throw new IllegalStateException("psyarn.dist.jar (" + jar + ") is not built: run the ITs with mvn verify");
    }
    return Paths.get(jar);
  }

  static Path example(String name) {
    return Paths.get(System.getProperty("psyarn.examples.dir", "../examples"), name).toAbsolutePath();
  }

  /** Runs {@code psyarn args...} as a Hadoop Tool against the cluster. */
  Run psyarn(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = ToolRunner.run(new Configuration(conf), new Psyarn(o, e), args);
    }
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Writes a spec file in the work directory. */
  Path spec(String fileName, String yaml) throws IOException {
    Path path = work.resolve(fileName);
    Files.writeString(path, yaml);
    return path;
  }

  YarnClient yarn() {
    YarnClient yarn = YarnClient.createYarnClient();
    Configuration c = new Configuration(conf);
    // A YARN client that sees Timeline v1 also asks the application history server about finished
    // attempts; a mini cluster's RM writes no history there (its in-memory store then fails on the
    // unknown application), so the tests' own clients ask the RM alone. (The AM still publishes.)
    c.setBoolean(org.apache.hadoop.yarn.conf.YarnConfiguration.TIMELINE_SERVICE_ENABLED, false);
    yarn.init(c);
    yarn.start();
    return yarn;
  }

  int applicationCount() throws Exception {
    try (YarnClient yarn = yarn()) {
      return yarn.getApplications().size();
    }
  }

  /** The body of {@code url} once it contains {@code wanted} (within 60 s). */
  static String awaitBody(String url, String wanted) throws Exception {
    String body = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      java.net.HttpURLConnection c = (java.net.HttpURLConnection) java.net.URI.create(url).toURL().openConnection();
      if (c.getResponseCode() == 200) {
        try (var in = c.getInputStream()) {
          body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (body.contains(wanted)) {
          return body;
        }
      } else {
        body = "HTTP " + c.getResponseCode();
      }
      Thread.sleep(500);
    }
    throw new AssertionError(url + " never showed " + wanted + ": " + body);
  }

  /** A counter spec with small containers. */
  static String counterSpec(String name, int servers, int workers, int keys, int rounds, List<String> workerJvmOptions) {
    StringBuilder opts = new StringBuilder();
    for (String o : workerJvmOptions) {
      opts.append(opts.length() == 0 ? "" : ", ").append('"').append(o).append('"');
    }
    return "name: " + name + "\n"
        + "tags: [it]\n"
        + "am: {memory: 256m}\n"
        + "roles:\n"
        + "  server: {instances: " + servers + ", memory: 128m, jvmOptions: [\"-XX:TieredStopAtLevel=1\"]}\n"
        + "  worker: {instances: " + workers + ", memory: 128m, jvmOptions: [" + opts + "]}\n"
        + "app: {type: counter, keys: " + keys + ", rounds: " + rounds + "}\n";
  }

  /** The spec with {@code extra} fields (such as {@code restart: {...}}) added to its worker role. */
  static String withWorkerSettings(String spec, String extra) {
    return spec.replaceFirst("(?m)^(  worker: \\{.*)\\}$", "$1, " + java.util.regex.Matcher.quoteReplacement(extra) + "}");
  }

  /** Sums the counter app's increments over every worker, round and key, apart from the app's code. */
  static long independentlyComputedTotal(int keys, int workers, int rounds) {
    long total = 0;
    for (int w = 0; w < workers; w++) {
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < keys; k++) {
          total += ((long) (w + 1) * (k + 1) + r) % 97 + 1;
        }
      }
    }
    return total;
  }

  @Override
  public void close() {
    cluster.close();
  }
}
