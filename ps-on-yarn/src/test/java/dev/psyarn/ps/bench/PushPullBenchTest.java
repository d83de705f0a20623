package dev.psyarn.ps.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.bench.PushPullBench.Figures;
import dev.psyarn.ps.bench.PushPullBench.Shape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushPullBenchTest {

  @Test
  void measuresEachShapeBesideTheLoopbackCeiling() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    List<Figures> figures = new PushPullBench(1, Duration.ofMillis(100), 2,
        new PrintStream(progress, true, StandardCharsets.UTF_8)).run(List.of(new Shape(1_000, 1), new Shape(2_000, 16)));
    assertEquals(2, figures.size());
    for (Figures f : figures) {
      assertTrue(f.pushKeysPerSecond() > 0 && f.pullKeysPerSecond() > 0, f.toString());
      assertTrue(f.loopbackGigabytesPerSecond() > 0, f.toString());
      long valueBytes = (long) f.shape().keys() * f.shape().width() * Float.BYTES;
      assertEquals(f.pushKeysPerSecond() / f.shape().keys() * valueBytes / 1e9, f.pushGigabytesPerSecond(), 1e-9);
    }
    assertTrue(progress.toString(StandardCharsets.UTF_8).contains("2k×16"), progress.toString(StandardCharsets.UTF_8));
  }

  @Test
  void psLiteReferencesExistForTheShapesItWasMeasuredOn() {
    assertEquals(0.8, PushPullBench.psLitePushGigabytesPerSecond(new Shape(100_000, 8)), 1e-12);
    assertEquals(1.4, PushPullBench.psLitePullGigabytesPerSecond(new Shape(100_000, 64)), 1e-12);
    assertEquals(69e6 * 4 / 1e9, PushPullBench.psLitePushGigabytesPerSecond(new Shape(100_000, 1)), 1e-12);
    assertTrue(Double.isNaN(PushPullBench.psLitePushGigabytesPerSecond(new Shape(10_000, 1024))));
  }
}
