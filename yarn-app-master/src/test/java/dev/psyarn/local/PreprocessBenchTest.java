package dev.psyarn.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bench's figures that are arithmetic on the runs: what the task JVMs cost a row. */
class PreprocessBenchTest {

  @Test
  void theTasksCpuARowIsSetAgainstTheOneThreadsAndBoundsWhatTheMapsCanReach() {
    List<Map<String, Object>> runs = List.of(Map.of("taskCpuSecondsPerRow", 1.30e-6),
        Map.of("taskCpuSecondsPerRow", 1.40e-6), Map.of("seconds", 20.0), Map.of("taskCpuSecondsPerRow", 1.35e-6));
    Map<String, Object> budget = PreprocessBench.cpuBudget(runs, 1_500_000, 2);
    assertEquals(1.35, (double) budget.get("taskCpuMicrosPerRow"), 1e-9, "the median of the runs that have it");
    assertEquals(0.6667, (double) budget.get("baselineMicrosPerRow"), 1e-4);
    assertEquals(1.35 / 0.66667, (double) budget.get("taskCpuRatio"), 1e-4);
    assertEquals(2 * 0.66667 / 1.35, (double) budget.get("mapsRatioAtMost"), 1e-4,
        "two cores at 2.0 times the one thread's CPU a row: the maps reach about 1.0 of it at most");
    assertEquals(2, budget.get("cores"));

    assertEquals(Map.of(), PreprocessBench.cpuBudget(List.of(Map.of("seconds", 3.0)), 1_500_000, 2),
        "jobs in one JVM report no task CPU: nothing to say");
  }
}
