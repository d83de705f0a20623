package dev.psyarn.cli;

import dev.psyarn.ps.bench.PushPullBench;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench pushpull}: one worker and one server on loopback, push and pull throughput by request
 * shape, alone (beside the loopback ceiling and ps-lite's figures), or side by side with a
 * replicated server ({@code --replication 1}) or with TLS ({@code --tls}).
 */
final class PushPullReport {

  private final CliContext ctx;
  private final int runs;
  private final double seconds;
  private final int window;
  private final boolean json;

  PushPullReport(CliContext ctx, int runs, double seconds, int window, boolean json) {
    this.ctx = ctx;
    this.runs = runs;
    this.seconds = seconds;
    this.window = window;
    this.json = json;
  }

  int run(int replication, boolean tls) throws Exception {
    if (window < 1 || window > 64 || !(seconds > 0)) {
      throw new IllegalArgumentException("--window must be from 1 to 64 and --seconds positive");
    }
    if (replication != 0 && replication != 1) {
      throw new IllegalArgumentException("--replication must be 0 or 1, got " + replication);
    }
    if (tls) {
      if (replication != 0) {
        throw new IllegalArgumentException("--tls and --replication 1 are measured apart: give one of them");
      }
      ctx.err.println("push/pull: 1 worker, 1 server, loopback TCP, plain beside TLS (the app's EC P-256 "
          + "certificate), window " + window + ", medians of " + runs + " runs of " + seconds + " s");
      List<PushPullBench.Figures[]> pairs = new PushPullBench(runs, Duration.ofMillis((long) (seconds * 1000)),
          window, ctx.err).runWithTls(PushPullBench.STANDARD, dev.psyarn.client.AppCertificate.generate("bench"));
      if (json) {
        ctx.printJson(pairs);
      } else {
        printPairs(pairs, "plain TCP", "TLS");
      }
      return ExitCodes.OK;
    }
    if (replication == 1) {
      ctx.err.println("push/pull: 1 worker, 1 server beside 1 server with its replica, loopback TCP, window " + window
          + ", medians of " + runs + " runs of " + seconds + " s");
      List<PushPullBench.Figures[]> pairs = new PushPullBench(runs, Duration.ofMillis((long) (seconds * 1000)),
          window, ctx.err).runReplicated(PushPullBench.STANDARD);
      if (json) {
        ctx.printJson(pairs);
      } else {
        printPairs(pairs, "replication 0", "replication 1");
      }
      return ExitCodes.OK;
    }
    ctx.err.println("push/pull: 1 worker, 1 server, loopback TCP, window " + window + ", medians of " + runs
        + " runs of " + seconds + " s");
    List<PushPullBench.Figures> figures = new PushPullBench(runs, Duration.ofMillis((long) (seconds * 1000)),
        window, ctx.err).run(PushPullBench.STANDARD);
    if (json) {
      ctx.printJson(figures);
    } else {
      ctx.out.println("shape (keys×floats) | push M keys/s | push GB/s | pull M keys/s | pull GB/s"
          + " | loopback GB/s | push / ps-lite | pull / ps-lite");
      for (PushPullBench.Figures f : figures) {
        ctx.out.printf(Locale.ROOT, "%s | %.2f | %.3f | %.2f | %.3f | %.3f | %s | %s%n", f.shape().label(),
            f.pushKeysPerSecond() / 1e6, f.pushGigabytesPerSecond(), f.pullKeysPerSecond() / 1e6,
            f.pullGigabytesPerSecond(), f.loopbackGigabytesPerSecond(),
            ratio(f.pushGigabytesPerSecond(), PushPullBench.psLitePushGigabytesPerSecond(f.shape())),
            ratio(f.pullGigabytesPerSecond(), PushPullBench.psLitePullGigabytesPerSecond(f.shape())));
      }
      ctx.out.println("loopback: plain TCP streaming frames of the push's size one way, the machine's ceiling;"
          + " ps-lite: shared/data/README.md");
    }
    return ExitCodes.OK;
  }

  /** Side-by-side figures of each shape: push and pull GB/s of {@code a}, of {@code b}, and b / a. */
  private void printPairs(List<PushPullBench.Figures[]> pairs, String a, String b) {
    ctx.out.println("shape (keys×floats) | push GB/s, " + a + " | " + b + " | ratio | pull GB/s, " + a + " | " + b
        + " | ratio");
    for (PushPullBench.Figures[] p : pairs) {
      ctx.out.printf(Locale.ROOT, "%s | %.3f | %.3f | %.2f | %.3f | %.3f | %.2f%n", p[0].shape().label(),
          p[0].pushGigabytesPerSecond(), p[1].pushGigabytesPerSecond(),
          p[1].pushGigabytesPerSecond() / p[0].pushGigabytesPerSecond(), p[0].pullGigabytesPerSecond(),
          p[1].pullGigabytesPerSecond(), p[1].pullGigabytesPerSecond() / p[0].pullGigabytesPerSecond());
    }
  }

  /** {@code ours / reference} to two places, or "—" where there is no reference. */
  private static String ratio(double ours, double reference) {
    return Double.isNaN(reference) ? "—" : String.format(Locale.ROOT, "%.2f", ours / reference);
  }
}
