package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.container.JvmFigures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChartHistoryTest {

  @SuppressWarnings("unchecked")
  private static List<double[]> job(ChartHistory h, String name) {
    return ((Map<String, List<double[]>>) h.toMap().get("job")).get(name);
  }

  @SuppressWarnings("unchecked")
  private static List<double[]> container(ChartHistory h, String key, String figure) {
    return ((Map<String, Map<String, List<double[]>>>) h.toMap().get("containers")).get(key).get(figure);
  }

  @Test
  void trainingLossIsTheWorkersMeanAndThroughputTheirExamplesPerSecond() {
    ChartHistory h = new ChartHistory(10_000);
    h.heard("worker", 0, Map.of("train.logloss", 0.6, "train.examples", 0.0), 11_000);
    h.heard("worker", 1, Map.of("train.logloss", 0.4, "train.examples", 0.0), 11_500);
    h.heard("worker", 0, Map.of("train.logloss", 0.6, "train.examples", 3000.0), 12_000); // same loss: no point
    h.heard("worker", 1, Map.of("train.logloss", 0.2, "train.examples", 5000.0), 13_000);
    List<double[]> loss = job(h, ChartHistory.TRAIN_LOSS);
    assertEquals(3, loss.size());
    assertEquals(1.0, loss.get(0)[0], 1e-9, "seconds since submission");
    assertEquals(0.6, loss.get(0)[1], 1e-9);
    assertEquals(0.5, loss.get(1)[1], 1e-9, "the mean of both workers' latest");
    assertEquals(0.4, loss.get(2)[1], 1e-9);
    List<double[]> throughput = job(h, ChartHistory.THROUGHPUT);
    // 3000 examples in the first second sampled (11.0 s to 12.0 s), 5000 in the next.
    assertEquals(2, throughput.size());
    assertEquals(3000, throughput.get(0)[1], 1e-9);
    assertEquals(5000, throughput.get(1)[1], 1e-9);
  }

  @Test
  void eachScoringOnceByEpochAndTheFinalModelsScoreWhenItDiffers() {
    ChartHistory h = new ChartHistory(0);
    h.heard("worker", 0, Map.of("test.epoch", 1.0, "test.logloss", 0.50, "test.auc", 0.70), 5_000);
    h.heard("worker", 0, Map.of("test.epoch", 1.0, "test.logloss", 0.50, "test.auc", 0.70), 6_000);
    h.heard("worker", 1, Map.of("test.epoch", 2.0, "test.logloss", 0.10), 6_500); // only worker 0 scores
    h.heard("worker", 0, Map.of("test.epoch", 2.0, "test.logloss", 0.48, "test.auc", 0.72), 9_000);
    h.heard("worker", 0, Map.of("test.logloss", 0.48), 10_000); // the final report: the same score
    assertEquals(2, job(h, ChartHistory.TEST_LOSS).size());
    h.heard("worker", 0, Map.of("test.logloss", 0.47, "test.auc", 0.73), 11_000); // a better kept model
    List<double[]> test = job(h, ChartHistory.TEST_LOSS);
    assertEquals(List.of(0.50, 0.48, 0.47), test.stream().map(p -> p[1]).toList());
    assertEquals(3, job(h, ChartHistory.TEST_AUC).size());
  }

  @Test
  void containersHeapAndCpuAtMostOnceASecondAndAReplacementsRestartIsNoNegativeCpu() {
    ChartHistory h = new ChartHistory(0);
    h.heard("server", 0, Map.of(JvmFigures.HEAP_USED_MB, 50.0, JvmFigures.CPU_SECONDS, 1.0), 1_000);
    h.heard("server", 0, Map.of(JvmFigures.HEAP_USED_MB, 60.0, JvmFigures.CPU_SECONDS, 1.2), 1_400); // too soon
    h.heard("server", 0, Map.of(JvmFigures.HEAP_USED_MB, 70.0, JvmFigures.CPU_SECONDS, 1.5), 3_000);
    h.heard("server", 0, Map.of(JvmFigures.HEAP_USED_MB, 20.0, JvmFigures.CPU_SECONDS, 0.3), 4_000); // replaced
    h.heard("server", 0, Map.of(JvmFigures.HEAP_USED_MB, 25.0, JvmFigures.CPU_SECONDS, 1.3), 6_000);
    assertEquals(List.of(50.0, 70.0, 20.0, 25.0), container(h, "server 0", ChartHistory.HEAP_MB).stream()
        .map(p -> p[1]).toList());
    List<double[]> cpu = container(h, "server 0", ChartHistory.CPU_PERCENT);
    assertEquals(2, cpu.size(), "none for the first sample nor for the replacement's step down");
    assertEquals(25.0, cpu.get(0)[1], 1e-9); // 0.5 s of CPU in 2 s
    assertEquals(50.0, cpu.get(1)[1], 1e-9); // 1.0 s in 2 s
  }

  @Test
  @SuppressWarnings("unchecked")
  void runningByRoleGoesToZeroWhenARoleHasNone() {
    ChartHistory h = new ChartHistory(0);
    assertTrue(h.runningDue(1_000));
    h.running(Map.of("server", 2, "worker", 3), 1_000);
    assertTrue(!h.runningDue(1_500) && h.runningDue(2_000));
    h.running(Map.of("server", 1), 1_500); // within the second: not sampled
    h.running(Map.of("server", 1), 2_000);
    Map<String, List<double[]>> running = (Map<String, List<double[]>>) h.toMap().get("running");
    assertEquals(List.of(2.0, 1.0), running.get("server").stream().map(p -> p[1]).toList());
    assertEquals(List.of(3.0, 0.0), running.get("worker").stream().map(p -> p[1]).toList());
  }

  @Test
  void aLongJobKeepsItsWholeSpanInBoundedPoints() {
    ChartHistory h = new ChartHistory(0);
    for (int i = 0; i < 5000; i++) {
      h.heard("worker", 0, Map.of("train.logloss", 1.0 / (i + 2)), 1000L * i);
    }
    List<double[]> loss = job(h, ChartHistory.TRAIN_LOSS);
    assertTrue(loss.size() <= ChartHistory.MAX_POINTS && loss.size() >= ChartHistory.MAX_POINTS / 2, "" + loss.size());
    assertEquals(0.0, loss.get(0)[0], 1e-9, "the first point stays");
    assertEquals(4999.0, loss.get(loss.size() - 1)[0], 1e-9, "the last is the latest");
    for (int i = 1; i < loss.size(); i++) {
      assertTrue(loss.get(i)[0] > loss.get(i - 1)[0], "in time order");
    }
  }
}
