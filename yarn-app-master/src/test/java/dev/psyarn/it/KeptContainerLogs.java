package dev.psyarn.it;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When an integration test fails, prints the tail of every container log its mini cluster wrote
 * during the test (the clusters keep them: {@link ClusterHarness} gives the NodeManagers a day's
 * retention and a log directory of the test class's own), so that a failure seen only in CI can
 * be read in its output, and names where the whole logs are.
 */
public final class KeptContainerLogs implements BeforeEachCallback, TestWatcher {

  static final int TAIL_LINES = 40;
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(KeptContainerLogs.class);

  @Override
  public void beforeEach(ExtensionContext context) {
    context.getStore(NS).put("start", System.currentTimeMillis());
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Long start = context.getStore(NS).get("start", Long.class);
    print(Paths.get("target", "it"), start == null ? 0 : start, System.err,
        context.getRequiredTestClass().getSimpleName() + "#" + context.getDisplayName());
  }

  /** Prints the tails of the container logs below {@code root} changed since {@code since}. */
  static int print(Path root, long since, PrintStream out, String test) {
    List<Path> logs = changedLogs(root, since);
    out.println("==== " + test + " failed: " + logs.size() + " container log file(s) written during it"
        + (logs.isEmpty() ? "" : ", whole files below " + root.toAbsolutePath()));
    for (Path log : logs) {
      out.println("---- " + root.relativize(log) + " (last " + TAIL_LINES + " lines)");
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()).forEach(out::println);
      } catch (IOException | java.io.UncheckedIOException e) {
        out.println("(cannot read: " + e + ")");
      }
    }
    return logs.size();
  }

  /** Container log files (below a NodeManager's log directory) modified at or after {@code since}. */
  static List<Path> changedLogs(Path root, long since) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(Files::isRegularFile)
          .filter(p -> p.toString().contains("logDir") && p.toString().contains("container_"))
          .filter(p -> {
            try {
              return Files.size(p) > 0 && Files.getLastModifiedTime(p).toMillis() >= since;
            } catch (IOException e) {
              return false;
            }
          })
          .sorted().toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of();
    }
  }
}
