package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusPageTest {

  private static JobStatus status(String diagnostics) {
    return new JobStatus("application_1_0001", "job <b>", "RUNNING", "UNDEFINED", 0.5f, diagnostics,
        List.of(new JobStatus.ContainerRow("server", 0, "container_1_0001_01_000002", "node1", "native", "REGISTERED",
            null, 0, null, "http://node1:8042/node/containerlogs/container_1_0001_01_000002/alice", null, Map.of())),
        Map.of("server", 0, "worker", 0), List.of(), Map.of(), Map.of("submittedToRunningMs", 4000L), Map.of("keys", 10L), null);
  }

  @Test
  void showsStateContainersTimingsMetricsAndLogLinks() {
    String html = StatusPage.render(status(""));
    assertTrue(html.contains("state <b>RUNNING</b>"), html);
    assertTrue(html.contains("progress 50%"));
    assertTrue(html.contains("<td>container_1_0001_01_000002</td><td>node1</td><td>native</td><td>REGISTERED</td>"), html);
    assertTrue(html.contains("<a href=\"http://node1:8042/node/containerlogs/container_1_0001_01_000002/alice\">logs</a>"));
    assertTrue(html.contains("submittedToRunningMs") && html.contains("<th>keys</th><td>10</td>"), html);
    assertTrue(html.contains("href=\"api/v1/status\""));
  }

  @Test
  void eachContainersMemoryAndCpuAndEachPreprocessingJobsMapReducePage() {
    JobStatus base = status("");
    JobStatus s = new JobStatus(base.applicationId(), base.name(), "RUNNING", "UNDEFINED", 0.6f, "",
        List.of(new JobStatus.ContainerRow("worker", 1, "container_1_0001_01_000004", "node2", "native", "REGISTERED",
            null, 0, null, null, null, Map.of(dev.psyarn.ps.container.JvmFigures.HEAP_USED_MB, 123.4,
                dev.psyarn.ps.container.JvmFigures.HEAP_MAX_MB, 384.0, dev.psyarn.ps.container.JvmFigures.CPU_SECONDS,
                12.34))),
        Map.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of("state", "SUCCEEDED", "jobs", List.of(
            Map.of("name", "stats", "id", "job_1_0002", "state", "SUCCEEDED", "seconds", 35.62,
                "trackingUrl", "http://rm:8088/proxy/application_1_0002/"),
            Map.of("name", "shard", "id", "job_1_0003", "state", "SUCCEEDED", "seconds", 45.0,
                "trackingUrl", "javascript:alert(1)"))));
    String html = StatusPage.render(s);
    assertTrue(html.contains("<td>0</td><td>123 (384)</td><td>12.3</td>"), "heap MB (max) and CPU s: " + html);
    assertTrue(html.contains("<td>stats</td><td><a href=\"http://rm:8088/proxy/application_1_0002/\">job_1_0002</a>"
        + "</td><td>SUCCEEDED</td><td>35.6</td>"), html);
    assertTrue(html.contains("<td>shard</td><td>job_1_0003</td>") && !html.contains("javascript:"),
        "only http(s) pages are linked: " + html);
  }

  @Test
  void escapesWhatUsersAndContainersWrote() {
    String html = StatusPage.render(status("worker said <script>alert(1)</script> & \"left\""));
    assertFalse(html.contains("<script>alert"), html);
    assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;left&quot;"), html);
    assertTrue(html.contains("job &lt;b&gt;"), "the job name is the user's text too");
  }

  @Test
  void showsPreprocessingJobsAndFigures() {
    JobStatus base = status("");
    JobStatus s = new JobStatus(base.applicationId(), base.name(), "PREPROCESSING", "UNDEFINED", 0.1f, "", List.of(),
        Map.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of("state", "RUNNING", "progress",
            new java.util.TreeMap<>(Map.of("stats", Map.of("id", "job_1_0002", "map", 1f, "reduce", 0.5f),
                "shard", Map.of("id", "job_1_0003", "map", 0.25f))), "rowsRead", 3000000L));
    String html = StatusPage.render(s);
    assertTrue(html.contains("<h2>Preprocessing (MapReduce)</h2>"), html);
    assertTrue(html.contains("<td>stats</td><td>job_1_0002</td><td>100%</td><td>50%</td>"), html);
    assertTrue(html.contains("<td>shard</td><td>job_1_0003</td><td>25%</td><td>—</td>"),
        "the shard job has no reducers: no reduce figure: " + html);
    assertTrue(html.contains("<th>rowsRead</th><td>3000000</td>"), html);
    assertFalse(html.contains("Reused"), html);

    JobStatus kept = new JobStatus(base.applicationId(), base.name(), "RUNNING", "UNDEFINED", 0.5f, "", List.of(),
        Map.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of("state", "SUCCEEDED", "reused", true, "madeBy",
            "application_1_0001", "madeAt", "2026-12-04T18:08:31Z", "rowsRead", 3000000L));
    html = StatusPage.render(kept);
    assertTrue(html.contains("<p>Reused the output of application_1_0001, made 2026-12-04T18:08:31Z (same inputs, section"
        + " and shard count; no MapReduce job ran now). The jobs below are the ones that made it.</p>"), html);
  }
}
