package dev.psyarn.cli;

import dev.psyarn.ps.bench.PushPullBench;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench pushpull}: one worker and one server on loopback, push and pull throughput by request
 * shape, alone (beside the loopback ceiling and ps-lite's figures), or side by side with a
 * replicated server ({@code --replication 1}) or with TLS ({@code --tls}), or alternately with
 * ps-lite's own bench in its processes ({@code --pslite}).
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

  /** One shape against ps-lite: each pair's figures, and the medians of the pairs' ratios. */
  record AgainstPsLite(String shape, double[] psLitePush, double[] push, double[] psLitePull, double[] pull,
      double pushRatio, double pullRatio) {}

  /**
   * ps-lite's bench, then psyarn's, {@code pairs} times over (so that a slow spell of a noisy
   * machine falls on both), each with {@code --runs} runs a shape; a shape's ratio is the median
   * of its pairs' ratios.
   */
  int againstPsLite(PsLiteReference psLite, int pairs) throws Exception {
    ctx.err.println("push/pull against ps-lite, side by side: " + pairs + " alternating pairs (ps-lite, then psyarn), "
        + "each medians of " + runs + " runs of " + seconds + " s, window " + window);
    List<PushPullBench.Shape> shapes = PushPullBench.STANDARD;
    double[][][] figures = new double[shapes.size()][4][pairs]; // psLitePush, push, psLitePull, pull
    for (int p = 0; p < pairs; p++) {
      ctx.err.println("pair " + (p + 1) + " of " + pairs + ": ps-lite");
      java.util.Map<PushPullBench.Shape, PsLiteReference.Figures> reference = psLite.run(runs, seconds);
      ctx.err.println("pair " + (p + 1) + " of " + pairs + ": psyarn");
      List<PushPullBench.Figures> ours = new PushPullBench(runs, Duration.ofMillis((long) (seconds * 1000)), window,
          ctx.err).run(shapes);
      for (int i = 0; i < shapes.size(); i++) {
        PsLiteReference.Figures r = reference.get(shapes.get(i));
        figures[i][0][p] = r == null ? Double.NaN : r.pushGigabytesPerSecond();
        figures[i][1][p] = ours.get(i).pushGigabytesPerSecond();
        figures[i][2][p] = r == null ? Double.NaN : r.pullGigabytesPerSecond();
        figures[i][3][p] = ours.get(i).pullGigabytesPerSecond();
      }
    }
    List<AgainstPsLite> rows = new java.util.ArrayList<>();
    for (int i = 0; i < shapes.size(); i++) {
      double[][] f = figures[i];
      rows.add(new AgainstPsLite(shapes.get(i).label(), f[0], f[1], f[2], f[3], medianRatio(f[1], f[0]),
          medianRatio(f[3], f[2])));
    }
    if (json) {
      ctx.printJson(rows);
      return ExitCodes.OK;
    }
    ctx.out.println("shape (keys×floats) | push GB/s, ps-lite | psyarn | ratio | pull GB/s, ps-lite | psyarn | ratio");
    for (AgainstPsLite r : rows) {
      ctx.out.printf(Locale.ROOT, "%s | %s | %s | %s | %s | %s | %s%n", r.shape(), list(r.psLitePush()),
          list(r.push()), ratio(r.pushRatio(), 1), list(r.psLitePull()), list(r.pull()), ratio(r.pullRatio(), 1));
    }
    ctx.out.println("each pair's GB/s in order; ratio: psyarn / ps-lite, the median of the pairs' ratios");
    return ExitCodes.OK;
  }

  /** The median of {@code ours[p] / reference[p]} over the pairs; NaN where the reference has no figure. */
  static double medianRatio(double[] ours, double[] reference) {
    double[] r = new double[ours.length];
    for (int p = 0; p < r.length; p++) {
      r[p] = ours[p] / reference[p];
    }
    java.util.Arrays.sort(r);
    if (Double.isNaN(r[r.length - 1])) {
      return Double.NaN;
    }
    return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
  }

  private static String list(double[] values) {
    StringBuilder s = new StringBuilder();
    for (double v : values) {
      s.append(s.length() == 0 ? "" : " ").append(Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.3f", v));
    }
    return s.toString();
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
  /** A ratio to print; "—" where either side has no figure (a shape ps-lite's output lacks). */
  static String ratio(double ours, double reference) {
    return Double.isNaN(ours) || Double.isNaN(reference) ? "—" : String.format(Locale.ROOT, "%.2f", ours / reference);
  }
}
