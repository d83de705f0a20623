package dev.psyarn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local runs on one machine each get a directory of their own, and old runs' logs are pruned. */
class LocalCommandTest {

  @TempDir
  Path root;

  @Test
  void eachRunHasItsOwnDirectoryAndOnlyTheNewestFinishedRunsAreKept() throws Exception {
    long self = ProcessHandle.current().pid();
    long gone = Long.MAX_VALUE / 2; // no such process
    for (int i = 0; i < 7; i++) {
      Files.createDirectories(root.resolve("run-20260101-00000" + i + "-" + gone).resolve("yarn"));
    }
    Files.createDirectories(root.resolve("run-20250101-000000-" + self)); // oldest, but its process runs
    Files.createDirectories(root.resolve("notes")); // not a run: left alone

    File first = LocalCommand.runDirectory(root.toFile());

    assertTrue(first.isDirectory() && first.getName().endsWith("-" + self), first.toString());
    List<String> left = Arrays.stream(root.toFile().list()).sorted().toList();
    assertTrue(left.contains("run-20250101-000000-" + self), "a run still going is kept: " + left);
    assertTrue(left.contains("notes"), left.toString());
    assertTrue(!left.contains("run-20260101-000000-" + gone) && !left.contains("run-20260101-000001-" + gone),
        "the oldest finished runs are deleted: " + left);
    assertEquals(LocalCommand.KEEP_RUNS + 2, left.size(), left.toString());
  }
}
