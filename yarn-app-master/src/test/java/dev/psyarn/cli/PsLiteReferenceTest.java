package dev.psyarn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.bench.PushPullBench.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ps-lite's bench as {@code bench pushpull --pslite} runs it: a script of ours stands in for run.sh. */
class PsLiteReferenceTest {

  @TempDir
  Path dir;

  private Path script(String body) throws IOException {
    Path script = dir.resolve("run.sh");
    Files.writeString(script, "#!/usr/bin/env bash\n" + body);
    return script;
  }

  @Test
  void itsFiguresAreReadByShapeFromWhatTheBenchPrints() throws Exception {
    Path run = script("""
        echo "[12:00:01] scheduler up" >&2
        echo "push 100000x8: 5 runs, args $1 $2"
        echo "RESULT 1000x1 push_Mkeys=5.561 push_GBps=0.022 pull_Mkeys=5.493 pull_GBps=0.021 runs_push_req=5560.8,"
        echo "RESULT 100000x64 push_Mkeys=7.3 push_GBps=1.880 pull_Mkeys=5.9 pull_GBps=1.512 runs_push_req=73.0,"
        """);
    Map<Shape, PsLiteReference.Figures> figures = new PsLiteReference(run).run(3, 0.5);
    assertEquals(Map.of(new Shape(1_000, 1), new PsLiteReference.Figures(0.022, 0.021),
        new Shape(100_000, 64), new PsLiteReference.Figures(1.880, 1.512)), figures);
  }

  @Test
  void aBenchThatFailsOrPrintsNoFiguresIsAnErrorThatShowsItsLastLines() throws Exception {
    IOException failed = assertThrows(IOException.class, () -> new PsLiteReference(
        script("echo 'no /tmp/psyarn-peers/pslite/pushpull_bench: run build.sh first' >&2; exit 2\n")).run(1, 1));
    assertTrue(failed.getMessage().contains("exited 2 without figures")
        && failed.getMessage().contains("run build.sh first"), failed.getMessage());
    IOException silent = assertThrows(IOException.class, () -> new PsLiteReference(script("echo hello\n")).run(1, 1));
    assertTrue(silent.getMessage().contains("exited 0 without figures") && silent.getMessage().contains("hello"),
        silent.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> new PsLiteReference(dir.resolve("nope.sh")));
    assertTrue(missing.getMessage().startsWith("--pslite: no file ") && missing.getMessage().contains("build.sh"),
        missing.getMessage());
  }

  @Test
  void aShapesRatioIsTheMedianOfItsPairsRatios() {
    assertEquals(1.5, PushPullReport.medianRatio(new double[] {3, 1, 2}, new double[] {2, 1, 1}), 1e-9);
    assertEquals(1.25, PushPullReport.medianRatio(new double[] {1, 3}, new double[] {1, 2}), 1e-9);
    assertTrue(Double.isNaN(PushPullReport.medianRatio(new double[] {1, 1}, new double[] {1, Double.NaN})));
    assertEquals(List.of(), List.copyOf(PsLiteReference.parse(List.of("RESULT garbage")).keySet()));
    // A shape ps-lite's output lacks has a median of NaN: printed as no figure, not "NaN".
    assertEquals("—", PushPullReport.ratio(PushPullReport.medianRatio(new double[] {1}, new double[] {Double.NaN}), 1));
    assertEquals("1.25", PushPullReport.ratio(1.25, 1));
  }
}
