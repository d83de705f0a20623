package dev.psyarn.cli;

import dev.psyarn.ps.bench.PushPullBench.Shape;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ps-lite's push/pull bench run in processes of its own (its scheduler, server and worker, as
 * {@code ../shared/peers/pslite/run.sh} starts them after {@code build.sh}), for {@code bench
 * pushpull --pslite}: the figures it prints ({@code RESULT 100000x64 ... push_GBps=... pull_GBps=...})
 * read back by request shape.
 */
final class PsLiteReference {

  private static final Pattern RESULT =
      Pattern.compile("^RESULT (\\d+)x(\\d+) .*?push_GBps=([0-9.]+) .*?pull_GBps=([0-9.]+)");
  private static final long TIMEOUT_MINUTES = 10;

  /** One shape's figures: push and pull in GB/s. */
  record Figures(double pushGigabytesPerSecond, double pullGigabytesPerSecond) {}

  private final Path script;

  /**
   * @throws IllegalArgumentException when {@code script} is not a file (the user's to fix)
   */
  PsLiteReference(Path script) {
    if (!Files.isRegularFile(script)) {
      throw new IllegalArgumentException("--pslite: no file " + script + "; give ps-lite's run.sh "
          + "(../shared/peers/pslite/run.sh, after its build.sh has built the bench)");
    }
    this.script = script;
  }

  /**
   * Runs the bench once ({@code runs} timed runs of {@code seconds} a shape, its own medians).
   *
   * @throws IOException when it fails or prints no figures; the message ends with what it printed last
   */
  Map<Shape, Figures> run(int runs, double seconds) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("bash", script.toString(), Integer.toString(runs),
        String.format(Locale.ROOT, "%s", seconds)).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
      }
    }
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IOException("ps-lite's bench did not end in " + TIMEOUT_MINUTES + " minutes" + tail(lines));
    }
    Map<Shape, Figures> figures = parse(lines);
    if (process.exitValue() != 0 || figures.isEmpty()) {
      throw new IOException(script + " exited " + process.exitValue()
          + (figures.isEmpty() ? " without figures" : "") + tail(lines));
    }
    return figures;
  }

  /** The figures in the bench's output, by shape, in its order. */
  static Map<Shape, Figures> parse(List<String> lines) {
    Map<Shape, Figures> figures = new LinkedHashMap<>();
    for (String line : lines) {
      Matcher m = RESULT.matcher(line);
      if (m.find()) {
        figures.put(new Shape(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))),
            new Figures(Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4))));
      }
    }
    return figures;
  }

  private static String tail(List<String> lines) {
    return lines.isEmpty() ? "" : ":\n  " + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }
}
