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
  void psLiteReferencesAreGivenOnlyForTheShapesItWasMeasuredOnInValueBytes() {
    // Measured: 1k and 100k keys a request; 100k keys at widths 1, 8 and 64. Nothing else is guessed.
    for (Shape measured : List.of(new Shape(1_000, 1), new Shape(100_000, 1), new Shape(100_000, 8),
        new Shape(100_000, 64))) {
      assertTrue(PushPullBench.psLitePushGigabytesPerSecond(measured) > 0, measured.toString());
      assertTrue(PushPullBench.psLitePullGigabytesPerSecond(measured) > 0, measured.toString());
    }
    for (Shape unmeasured : List.of(new Shape(10_000, 1024), new Shape(100_000, 16), new Shape(1_000, 8))) {
      assertTrue(Double.isNaN(PushPullBench.psLitePushGigabytesPerSecond(unmeasured)), unmeasured.toString());
      assertTrue(Double.isNaN(PushPullBench.psLitePullGigabytesPerSecond(unmeasured)), unmeasured.toString());
    }
    // Figures given in keys a second are converted to value bytes (4 a float) like ours are.
    Shape narrow = new Shape(1_000, 1);
    double keysPerSecond = PushPullBench.psLitePushGigabytesPerSecond(narrow) * 1e9 / (narrow.width() * Float.BYTES);
    assertEquals(5.4e6, keysPerSecond, 1, "1k keys a request: 5.4 M keys/s");
    // Wider values move more bytes a second, as every measurement shows.
    assertTrue(PushPullBench.psLitePushGigabytesPerSecond(new Shape(100_000, 64))
        > PushPullBench.psLitePushGigabytesPerSecond(new Shape(100_000, 8)));
  }
}
