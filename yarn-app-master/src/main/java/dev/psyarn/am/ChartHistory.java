package dev.psyarn.am;

import dev.psyarn.ps.container.JvmFigures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The job's figures over time, for the charts of the AM's page and of the page kept with the
 * report: the workers' training loss (their mean) and throughput, the test scores worker 0 sends
 * after each scoring, the containers running by role, and each container's heap and CPU. Fed by
 * the containers' heartbeats and final reports; read by the web server ({@code /api/v1/history})
 * and at the end. Times are seconds since submission.
 *
 * <p>Bounded: a series that reaches {@link #MAX_POINTS} keeps every other point, so a long job's
 * history keeps its whole span at half the resolution. Containers' figures are taken at most once
 * a second each.
 */
final class ChartHistory {

  static final int MAX_POINTS = 600;
  static final String TRAIN_LOSS = "train.logloss";
  static final String TEST_LOSS = "test.logloss";
  static final String TEST_AUC = "test.auc";
  static final String THROUGHPUT = "train.examplesPerSecond";
  static final String HEAP_MB = "heapMb";
  static final String CPU_PERCENT = "cpuPercent";
  private static final long SAMPLE_MS = 1000;

  private final long originMs;
  private final Map<String, List<double[]>> job = new LinkedHashMap<>();
  private final Map<String, List<double[]>> running = new TreeMap<>();
  private final Map<String, Map<String, List<double[]>>> containers = new TreeMap<>();
  private final Map<Integer, Double> workerLoss = new HashMap<>();
  private final Map<Integer, Double> workerExamples = new HashMap<>();
  /** Per container key: when it was last sampled, and its CPU seconds then. */
  private final Map<String, double[]> lastSample = new HashMap<>();
  private long lastThroughputMs = -1;
  private double lastExamples;
  private long lastCountMs = -1;
  private double lastTestEpoch = -1;

  ChartHistory(long originMs) {
    this.originMs = originMs;
    for (String name : List.of(TRAIN_LOSS, TEST_LOSS, TEST_AUC, THROUGHPUT)) {
      job.put(name, new ArrayList<>());
    }
  }

  /** A heartbeat's (or a final report's) figures from container {@code role}/{@code index}. */
  synchronized void heard(String role, int index, Map<String, Double> figures, long nowMs) {
    if (figures == null || figures.isEmpty()) {
      return;
    }
    double t = seconds(nowMs);
    if ("worker".equals(role)) {
      worker(index, figures, nowMs, t);
    }
    String key = role + " " + index;
    double[] last = lastSample.get(key);
    Double heap = figures.get(JvmFigures.HEAP_USED_MB);
    Double cpu = figures.get(JvmFigures.CPU_SECONDS);
    if (heap == null && cpu == null || last != null && nowMs - last[0] < SAMPLE_MS) {
      return;
    }
    Map<String, List<double[]>> series = containers.computeIfAbsent(key, k -> new LinkedHashMap<>());
    if (heap != null) {
      add(series.computeIfAbsent(HEAP_MB, k -> new ArrayList<>()), t, heap);
    }
    if (cpu != null) {
      // A replacement starts its CPU seconds at 0 again: no point for the step down.
      if (last != null && cpu >= last[1] && nowMs > last[0]) {
        add(series.computeIfAbsent(CPU_PERCENT, k -> new ArrayList<>()), t,
            100 * (cpu - last[1]) / ((nowMs - last[0]) / 1000.0));
      }
    }
    lastSample.put(key, new double[] {nowMs, cpu == null ? 0 : cpu});
  }

  private void worker(int index, Map<String, Double> figures, long nowMs, double t) {
    Double loss = figures.get(TRAIN_LOSS);
    if (loss != null && Double.isFinite(loss) && !loss.equals(workerLoss.put(index, loss))) {
      add(job.get(TRAIN_LOSS), t, workerLoss.values().stream().mapToDouble(Double::doubleValue).average().orElse(loss));
    }
    Double examples = figures.get("train.examples");
    if (examples != null) {
      workerExamples.put(index, examples);
      double total = workerExamples.values().stream().mapToDouble(Double::doubleValue).sum();
      if (lastThroughputMs < 0) {
        lastThroughputMs = nowMs;
        lastExamples = total;
      } else if (nowMs - lastThroughputMs >= SAMPLE_MS) {
        // A replaced worker counts again from where its predecessor's steps were: never below 0.
        add(job.get(THROUGHPUT), t, Math.max(0, total - lastExamples) / ((nowMs - lastThroughputMs) / 1000.0));
        lastThroughputMs = nowMs;
        lastExamples = total;
      }
    }
    Double test = figures.get(TEST_LOSS);
    if (index == 0 && test != null) {
      // Each scoring once: by its epoch while training, and the final model's score once more
      // when it differs from the last (early stopping's best epoch, or the end without one).
      double epoch = figures.getOrDefault("test.epoch", Double.NaN);
      List<double[]> tests = job.get(TEST_LOSS);
      boolean fresh = Double.isNaN(epoch) ? tests.isEmpty() || tests.get(tests.size() - 1)[1] != test
          : epoch != lastTestEpoch;
      if (fresh) {
        lastTestEpoch = Double.isNaN(epoch) ? lastTestEpoch : epoch;
        add(tests, t, test);
        Double auc = figures.get(TEST_AUC);
        if (auc != null) {
          add(job.get(TEST_AUC), t, auc);
        }
      }
    }
  }

  /** Whether {@link #running} would take a sample now (so a caller counts only when it would). */
  synchronized boolean runningDue(long nowMs) {
    return lastCountMs < 0 || nowMs - lastCountMs >= SAMPLE_MS;
  }

  /** The containers running (registered) by role, at most once a second. */
  synchronized void running(Map<String, Integer> byRole, long nowMs) {
    if (lastCountMs >= 0 && nowMs - lastCountMs < SAMPLE_MS) {
      return;
    }
    lastCountMs = nowMs;
    byRole.forEach((role, n) -> add(running.computeIfAbsent(role, r -> new ArrayList<>()), seconds(nowMs), n));
    running.forEach((role, points) -> {
      if (!byRole.containsKey(role)) {
        add(points, seconds(nowMs), 0);
      }
    });
  }

  /**
   * The history as the page's script reads it: {@code job} (series by name), {@code running}
   * (by role) and {@code containers} (by "role index", each with {@code heapMb} and
   * {@code cpuPercent}); every series a list of {@code [seconds, value]}.
   */
  synchronized Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("job", copy(job));
    out.put("running", copy(running));
    Map<String, Object> c = new LinkedHashMap<>();
    containers.forEach((key, series) -> c.put(key, copy(series)));
    out.put("containers", c);
    return out;
  }

  private static Map<String, List<double[]>> copy(Map<String, List<double[]>> series) {
    Map<String, List<double[]>> out = new LinkedHashMap<>();
    series.forEach((name, points) -> out.put(name, List.copyOf(points)));
    return out;
  }

  private double seconds(long nowMs) {
    return Math.round((nowMs - originMs) / 100.0) / 10.0;
  }

  private static void add(List<double[]> points, double t, double value) {
    if (points.size() >= MAX_POINTS) {
      int kept = (points.size() + 1) / 2;
      for (int i = 1; i < kept; i++) {
        points.set(i, points.get(2 * i)); // the first, and every other one after it
      }
      points.subList(kept, points.size()).clear();
    }
    points.add(new double[] {t, value});
  }
}
