package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.psyarn.it.HeadlessBrowser;
import dev.psyarn.ps.container.JvmFigures;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's charts in a real browser engine (headless chromium; {@link HeadlessBrowser}): the
 * page kept with the report draws the history it holds; the live page asks for the history again
 * and again and redraws what it is given, and its containers' table follows the status. (Through
 * a real AM behind the ResourceManager's proxy: {@code FlightsFmIT}.)
 */
class StatusPageBrowserTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JobStatus status(String state, String finalStatus, String containerState) {
    return new JobStatus("application_1_0001", "charts </script><b>", state, finalStatus, 0.5f, "",
        List.of(new JobStatus.ContainerRow("worker", 0, "container_1_0001_01_000003", "node1", "native", containerState,
            null, 0, null, "http://node1:8042/node/containerlogs/container_1_0001_01_000003/alice", null,
            Map.of(JvmFigures.HEAP_USED_MB, 42.0, JvmFigures.HEAP_MAX_MB, 128.0, JvmFigures.CPU_SECONDS, 3.25))),
        Map.of(), List.of(), Map.of(), Map.of(), Map.of(), null);
  }

  /** A history of {@code points} heartbeats of two workers and a server. */
  private static ChartHistory history(int points) {
    ChartHistory h = new ChartHistory(0);
    for (int i = 0; i < points; i++) {
      long t = 1000L + 1000L * i;
      for (int w = 0; w < 2; w++) {
        h.heard("worker", w, Map.of("train.logloss", 0.7 - 0.01 * i - 0.001 * w, "train.examples", 1000.0 * i,
            JvmFigures.HEAP_USED_MB, 30.0 + i, JvmFigures.CPU_SECONDS, 0.5 * i), t);
      }
      h.heard("server", 0, Map.of(JvmFigures.HEAP_USED_MB, 20.0 + i, JvmFigures.CPU_SECONDS, 0.2 * i,
          "keys </script>", 1.0), t);
      if (i % 4 == 3) {
        h.heard("worker", 0, Map.of("test.epoch", (double) i, "test.logloss", 0.6 - 0.01 * i, "test.auc", 0.7), t);
      }
      h.running(Map.of("server", 1, "worker", 2), t);
    }
    return h;
  }

  @Test
  void thePageKeptWithTheReportDrawsItsFinalCharts(@TempDir Path dir) throws Exception {
    Optional<HeadlessBrowser> browser = HeadlessBrowser.find();
    if (browser.isEmpty()) {
      return;
    }
    Path page = dir.resolve("report.html");
    Files.writeString(page, StatusPage.renderFinal(status("SUCCEEDED", "SUCCEEDED", "COMPLETED"), history(12).toMap()));
    String dom = browser.get().dom(page.toUri().toString(), 2000);
    assertEquals(Map.of("train.logloss", 24, "test.logloss", 3), HeadlessBrowser.series(dom, "chart-loss"),
        "each worker's heartbeat a point of the mean; three scorings");
    assertEquals(Map.of("train.examplesPerSecond", 11), HeadlessBrowser.series(dom, "chart-throughput"));
    assertEquals(Map.of("server", 12, "worker", 12), HeadlessBrowser.series(dom, "chart-running"));
    assertEquals(Map.of("server 0", 12, "worker 0", 12, "worker 1", 12), HeadlessBrowser.series(dom, "chart-heap"));
    assertEquals(Map.of("server 0", 11, "worker 0", 11, "worker 1", 11), HeadlessBrowser.series(dom, "chart-cpu"));
    assertEquals("1", HeadlessBrowser.element(dom, "svg", "chart-loss").get("data-updates"), "drawn once, not polled");
    assertTrue(dom.contains("<td>COMPLETED</td>"), "the final table as the AM left it: " + dom);
  }

  @Test
  void theLivePageRedrawsWhatEachPollBringsAndItsTableFollowsTheStatus() throws Exception {
    Optional<HeadlessBrowser> browser = HeadlessBrowser.find();
    if (browser.isEmpty()) {
      return;
    }
    // Each request for the history has one more heartbeat in it; the fifth status is final. (Each
    // poll asks for both at once, in either order: each is counted on its own.)
    AtomicInteger polls = new AtomicInteger();
    AtomicInteger statuses = new AtomicInteger();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/app/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      String body;
      String type = "application/json";
      if (path.endsWith("/api/v1/history")) {
        body = JSON.writeValueAsString(history(polls.incrementAndGet() + 1).toMap());
      } else if (path.endsWith("/api/v1/status")) {
        boolean last = statuses.incrementAndGet() >= 5;
        body = JSON.writeValueAsString(last ? status("SUCCEEDED", "SUCCEEDED", "COMPLETED")
            : status("RUNNING", "UNDEFINED", "REGISTERED"));
      } else {
        body = StatusPage.render(status("RUNNING", "UNDEFINED", "REGISTERED"));
        type = "text/html; charset=utf-8";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    http.start();
    try {
      String dom = browser.get().dom("http://127.0.0.1:" + http.getAddress().getPort() + "/app/", 20_000);
      assertEquals(5, statuses.get(), "polled every 2 s until the status was final, then stopped");
      assertEquals(5, polls.get(), "the history with each status");
      Map<String, String> loss = HeadlessBrowser.element(dom, "svg", "chart-loss");
      assertEquals("5", loss.get("data-updates"), dom);
      assertEquals(Map.of("train.logloss", 12, "test.logloss", 1), HeadlessBrowser.series(dom, "chart-loss"),
          "the last poll's six heartbeats of two workers, one scoring");
      assertEquals(Map.of("server 0", 6, "worker 0", 6, "worker 1", 6), HeadlessBrowser.series(dom, "chart-heap"));
      assertTrue(dom.contains("<td>COMPLETED</td>") && !dom.contains("<td>REGISTERED</td>"),
          "the table redrawn from the last status: " + dom);
      assertTrue(dom.contains("<td>42 (128)</td><td>3.3</td>") || dom.contains("<td>42 (128)</td><td>3.2</td>"), dom);
      assertTrue(dom.contains("final: SUCCEEDED"), dom);
    } finally {
      http.stop(0);
    }
  }
}
