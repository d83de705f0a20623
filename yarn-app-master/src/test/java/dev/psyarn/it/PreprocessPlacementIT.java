package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.cli.ExitCodes;
import dev.psyarn.PsyarnConfig;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where {@code preprocess.runIn: auto} runs an input over the in-AM size limit on a cluster of one
 * NodeManager: in the AM when its map tasks use every core of the node (the cluster's task JVMs
 * would share those cores, beside a MapReduce AM), on the cluster when that is switched off. The
 * limit is lowered to 1 MiB so that a 2 MB input stands for a large one.
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class PreprocessPlacementIT {

  private static final int ROWS = 120_000;
  private static final int CORES = Runtime.getRuntime().availableProcessors();
  private static ClusterHarness harness;
  private static Path data;

  @BeforeAll
  static void startCluster() throws Exception {
    // An AM of as many vcores as the host has cores, whatever the host.
    harness = ClusterHarness.start("preprocess-placement", 1, true, Map.of(
        "yarn.scheduler.maximum-allocation-vcores", Integer.toString(Math.max(4, CORES)),
        "yarn.nodemanager.resource.cpu-vcores", Integer.toString(Math.max(8, CORES + 2))));
    data = harness.work.resolve("larger-than-the-limit.csv");
    try (BufferedWriter out = Files.newBufferedWriter(data)) {
      out.write("a,b,label\n");
      for (int i = 0; i < ROWS; i++) {
        out.write("u" + (i % 1009) + ",v" + (i % 13) + "," + (i % 2) + "\n");
      }
    }
    assertTrue(Files.size(data) > 1 << 20, "the input is over the lowered limit: " + Files.size(data));
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void aLargerInputRunsInTheAmOnAOneNodeClusterAndOnTheClusterWhenThatIsSwitchedOff() throws Exception {
    String spec = ClusterHarness.counterSpec("placement-it", 1, 1, 100, 3, List.of())
        .replace("am: {memory: 256m}", "am: {memory: 512m, vcores: " + CORES + "}")
        .replace("app: {type: counter", "preprocess:\n  input: " + data.toUri() + "\n  format: csv\n"
            + "  label: \"label == 1\"\n  split: {testFraction: 0.5}\n  features: [{name: a, column: a}, "
            + "{name: b, column: b}]\napp: {type: counter");

    long since = System.currentTimeMillis();
    JsonNode inAm = runToEnd("one-node.yaml", spec);
    JsonNode pre = inAm.path("preprocess");
    assertEquals("am", pre.path("ranIn").asText(), "one NodeManager, every core in the AM's map tasks: " + pre);
    assertTrue(pre.path("ranInBecause").asText().contains("but the cluster is one NodeManager"), pre.toString());
    assertTrue(pre.path("jobs").get(0).path("inProcess").asBoolean(), pre.toString());
    assertEquals(ROWS, pre.path("rowsRead").asLong(), pre.toString());
    try (YarnClient yarn = harness.yarn()) {
      assertEquals(List.of(), mapReduceSince(yarn, since), "no MapReduce application ran");
    }

    since = System.currentTimeMillis();
    JsonNode onCluster = runToEnd("one-node-off.yaml", spec, "-D", PsyarnConfig.PREPROCESS_IN_AM_ONE_NODE + "=false");
    pre = onCluster.path("preprocess");
    assertEquals("cluster", pre.path("ranIn").asText(), "switched off, the input over the limit: " + pre);
    assertTrue(pre.path("ranInBecause").asText().endsWith("(psyarn.preprocess.in-am.one-node is false)"), pre.toString());
    assertEquals(ROWS, pre.path("rowsRead").asLong(), pre.toString());
    try (YarnClient yarn = harness.yarn()) {
      assertEquals(1, mapReduceSince(yarn, since).size(), "the stage's one job ran as a MapReduce application");
    }
  }

  private static JsonNode runToEnd(String file, String yaml, String... options) throws Exception {
    Path spec = harness.spec(file, yaml);
    List<String> args = new java.util.ArrayList<>(List.of("-D", PsyarnConfig.PREPROCESS_IN_AM_MAX_MB + "=1",
        "-D", PsyarnConfig.PREPROCESS_CACHE_DIR + "=none"));
    args.addAll(List.of(options));
    args.addAll(List.of("submit", spec.toString(), "--json"));
    ClusterHarness.Run run = harness.psyarn(args.toArray(new String[0]));
    assertEquals(ExitCodes.OK, run.exitCode(), run.err());
    JsonNode job = WorkerFaultIT.awaitEnd(harness, run.json().path("applicationId").asText());
    assertEquals("SUCCEEDED", job.path("finalStatus").asText(), job.path("diagnostics").asText());
    return job;
  }

  private static List<ApplicationReport> mapReduceSince(YarnClient yarn, long since) throws Exception {
    return yarn.getApplications(Set.of("MAPREDUCE"), EnumSet.allOf(YarnApplicationState.class)).stream()
        .filter(r -> r.getStartTime() >= since).toList();
  }
}
