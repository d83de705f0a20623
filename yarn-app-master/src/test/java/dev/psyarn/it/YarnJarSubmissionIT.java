package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.PsyarnConfig;
import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.util.RunJar;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Submits through {@code org.apache.hadoop.util.RunJar} in a separate JVM, exactly as
 * {@code yarn jar psyarn.jar submit ...} does: Hadoop's jars and configuration on the classpath,
 * psyarn only in the distribution jar.
 */
class YarnJarSubmissionIT {

  private static ClusterHarness harness;

  @BeforeAll
  static void startCluster() throws Exception {
    harness = ClusterHarness.start("yarn-jar", 1);
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void counterJobSubmittedWithYarnJarSucceeds() throws Exception {
    String hadoopClasspath = hadoopOnlyClasspath();
    Path confDir = harness.work.resolve("conf");
    Files.createDirectories(confDir);
    Configuration conf = new Configuration(harness.conf);
    conf.unset(PsyarnConfig.JAR);
    conf.set(PsyarnConfig.CONTAINER_HADOOP_CLASSPATH, hadoopClasspath);
    for (String site : List.of("core-site.xml", "yarn-site.xml")) {
      try (OutputStream out = Files.newOutputStream(confDir.resolve(site))) {
        conf.writeXml(out);
      }
    }
    Path spec = harness.spec("counter.yaml", ClusterHarness.counterSpec("yarn-jar-it", 2, 2, 1000, 2, List.of()));
    Path report = harness.work.resolve("report.json");
    Path log = harness.work.resolve("yarn-jar.log");

    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", confDir + File.pathSeparator + hadoopClasspath,
        RunJar.class.getName(), ClusterHarness.distJar().toString(),
        "submit", spec.toString(), "--wait", "--report", report.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(process.waitFor(180, TimeUnit.SECONDS), "yarn jar did not finish in 180 s");

    String output = Files.readString(log);
    assertEquals(0, process.exitValue(), output);
    JsonNode r = ClusterHarness.JSON.readTree(Files.readString(report));
    assertEquals("SUCCEEDED", r.path("finalStatus").asText());
    assertEquals(0, r.path("metrics").path("mismatches").asLong());
    assertEquals(4, r.path("containers").size());
  }

  /** The test's classpath without psyarn's own classes: what a Hadoop installation has. */
  private static String hadoopOnlyClasspath() {
    String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Stream.of(full.split(File.pathSeparator))
        .filter(entry -> !entry.contains(File.separator + "target" + File.separator))
        .filter(entry -> !entry.contains(File.separator + "dev" + File.separator + "psyarn" + File.separator))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
