package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Factorization machines against logistic regression on the flights task's seven base features
 * (no hand-written crosses), both through the whole pipeline as users run the shipped examples:
 * {@code flights-lr-base.yaml} preprocesses and trains sparse-lr, {@code flights-fm.yaml} reuses
 * those shards and trains sparse-fm, whose factors learn the pairs the crossed task writes by hand.
 * While FM trains, its page is loaded through the ResourceManager's proxy in a real browser
 * ({@link HeadlessBrowser}) until its charts have drawn and updated; the page kept with the report
 * draws the final charts.
 */
@org.junit.jupiter.api.extension.ExtendWith(KeptContainerLogs.class)
class FlightsFmIT {

  private static ClusterHarness harness;

  @BeforeAll
  static void startCluster() throws Exception {
    harness = ClusterHarness.start("flights-fm", 1, true);
  }

  @AfterAll
  static void stopCluster() {
    if (harness != null) {
      harness.close();
    }
  }

  private static JsonNode run(String example) throws Exception {
    Path report = harness.work.resolve(example + ".report.json");
    ClusterHarness.Run run = harness.psyarn("submit", ClusterHarness.example(example).toString(), "--wait",
        "--report", report.toString());
    assertEquals(ExitCodes.OK, run.exitCode(), example + ": " + run.err());
    return ClusterHarness.JSON.readTree(Files.readString(report));
  }

  @Test
  void onTheSevenBaseFeaturesFactorizationMachinesBeatLogisticRegressionInLogLossAndAuc() throws Exception {
    JsonNode lrReport = run("flights-lr-base.yaml");
    // While FM trains, its page through the ResourceManager's proxy, in a real browser.
    java.util.concurrent.ExecutorService submitter = java.util.concurrent.Executors.newSingleThreadExecutor();
    java.util.concurrent.Future<JsonNode> fmRun = submitter.submit(() -> run("flights-fm.yaml"));
    Optional<HeadlessBrowser> browser = HeadlessBrowser.find();
    try {
      if (browser.isPresent()) {
        watchTheLivePage(browser.get(), fmRun);
      }
    } finally {
      submitter.shutdown();
    }
    JsonNode fmReport = fmRun.get(10, java.util.concurrent.TimeUnit.MINUTES);
    JsonNode lr = lrReport.path("metrics");
    JsonNode fm = fmReport.path("metrics");
    assertTrue(fmReport.path("preprocess").path("reused").asBoolean(), "the same shards: " + fmReport.path("preprocess"));
    assertEquals(lrReport.path("preprocess").path("shards").asText(), fmReport.path("preprocess").path("shards").asText());
    assertEquals(502_228, fm.path("test.examples").asLong());
    for (JsonNode job : lrReport.path("preprocess").path("jobs")) {
      // Run inside the AM (a small input): no YARN application, so no page of its own.
      assertTrue(job.path("inProcess").asBoolean() && !job.has("trackingUrl"), "a job run in the AM: " + job);
    }

    // Measured 0.4969 / 0.6729 (LR) against 0.4560 / 0.7464 (FM); the margins leave room for the
    // asynchronous order of updates. The constant predictor scores 0.5301.
    double lrLoss = lr.path("test.logloss").asDouble();
    double fmLoss = fm.path("test.logloss").asDouble();
    assertTrue(lrLoss < 0.505 && lr.path("test.auc").asDouble() > 0.66, "sparse-lr on the 7: " + lr);
    assertTrue(fmLoss < lrLoss - 0.025, "FM's log loss " + fmLoss + " against LR's " + lrLoss);
    assertTrue(fm.path("test.auc").asDouble() > lr.path("test.auc").asDouble() + 0.05,
        "FM's AUC " + fm.path("test.auc") + " against LR's " + lr.path("test.auc"));

    // Early stopping kept the best epoch: its score is the job's, and the model file is that epoch's.
    int best = fm.path("train.bestEpoch").asInt();
    int ran = fm.path("train.epochsRun").asInt();
    assertTrue(best >= 1 && best <= ran && ran <= 8, "best epoch " + best + " of " + ran);
    assertEquals(fmLoss, fm.path("testCurve").get(best - 1).path("logloss").asDouble(), 1e-12, fm.toString());
    assertTrue(ran == 8 || ran == best + 1, "stopped one epoch after its best (patience 1): " + fm.path("testCurve"));
    Path model = ClusterHarness.example("flights-fm.yaml").getParent().resolve("../target/flights-fm.model").normalize();
    ClusterHarness.Run predict = harness.psyarn("predict", model.toString(),
        fmReport.path("preprocess").path("shards").asText(), "--split", "test", "--json");
    assertEquals(ExitCodes.OK, predict.exitCode(), predict.err());
    assertEquals(fmLoss, predict.json().path("logloss").asDouble(), 1e-5, "the model file scores what the job did: "
        + predict.out());
    assertEquals(fm.path("test.auc").asDouble(), predict.json().path("auc").asDouble(), 1e-5, predict.out());

    // The page kept with the report (--report x.json leaves x.html beside it) draws the final charts.
    Path page = harness.work.resolve("flights-fm.yaml.report.html");
    assertTrue(Files.isRegularFile(page), "the job's page beside its report");
    if (browser.isPresent()) {
      String dom = browser.get().dom(page.toUri().toString(), 2000);
      Map<String, Integer> loss = HeadlessBrowser.series(dom, "chart-loss");
      assertTrue(loss.getOrDefault("test.logloss", 0) >= ran, "a test point for each of the " + ran + " epochs: " + loss);
      assertTrue(loss.getOrDefault("train.logloss", 0) >= 10, "the training curve: " + loss);
      assertTrue(HeadlessBrowser.series(dom, "chart-cpu").keySet().containsAll(List.of("server 0", "server 1",
          "worker 0", "worker 1")), "each container's CPU: " + HeadlessBrowser.series(dom, "chart-cpu"));
    }
  }

  /**
   * Loads the running FM job's page through the RM's proxy until its loss chart has drawn at
   * least two training points, and again until it shows more: the charts draw and update.
   */
  private static void watchTheLivePage(HeadlessBrowser browser, java.util.concurrent.Future<JsonNode> run)
      throws Exception {
    int first = -1;
    String last = "";
    long deadline = System.nanoTime() + java.time.Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline && !run.isDone()) {
      ApplicationReport app;
      try (YarnClient yarn = harness.yarn()) {
        app = yarn.getApplications(EnumSet.of(YarnApplicationState.RUNNING)).stream()
            .filter(a -> a.getName().equals("flights-fm")).findFirst().orElse(null);
      }
      if (app != null && app.getTrackingUrl() != null && app.getTrackingUrl().contains("/proxy/")) {
        last = browser.dom(app.getTrackingUrl(), 3000);
        if (last.contains("id=\"chart-loss\"")) {
          int points = HeadlessBrowser.series(last, "chart-loss").getOrDefault("train.logloss", 0);
          if (first < 0 && points >= 2) {
            first = points;
          } else if (first >= 2 && points > first) {
            assertTrue(Integer.parseInt(HeadlessBrowser.element(last, "svg", "chart-loss").get("data-updates")) >= 1);
            assertTrue(HeadlessBrowser.series(last, "chart-heap").keySet().containsAll(List.of("server 0", "worker 0")),
                "each container's heap: " + HeadlessBrowser.series(last, "chart-heap"));
            assertTrue(last.contains("<td>REGISTERED</td>"), "the containers' table: " + last);
            return;
          }
        }
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("the FM job's page did not draw and then update its loss chart (first drawn with "
        + first + " points); last page: " + last);
  }
}
