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
  void hadoopsGenericDefinesBeforeTheCommandConfigureTheEmbeddedClustersToo() throws Exception {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.yarn.conf.YarnConfiguration();
    conf.set("yarn.nodemanager.vmem-check-enabled", "true"); // set by code, not by the user's command line
    String[] rest = new org.apache.hadoop.util.GenericOptionsParser(conf, new String[] {
        "-D", "yarn.nodemanager.admin-env=MALLOC_ARENA_MAX=2,PSYARN_X=1",
        "-D", "psyarn.preprocess.cache-dir=none", "local", "job.yaml"}).getRemainingArgs();

    assertEquals(List.of("local", "job.yaml"), List.of(rest));
    assertEquals(java.util.Map.of("yarn.nodemanager.admin-env", "MALLOC_ARENA_MAX=2,PSYARN_X=1",
        "psyarn.preprocess.cache-dir", "none"), LocalCommand.commandLineSettings(conf),
        "what the -D options set, and nothing of the defaults or of what code set");
  }

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

  @Test
  void aFailedLocalRunNamesTheContainerLogsItKeeps() throws Exception {
    Path run = Files.createDirectories(root.resolve("run-20261130-101010-1"));
    Path app = Files.createDirectories(run.resolve("yarn/psyarn-local/yarn-123/psyarn-local-logDir-nm-0_0/"
        + "application_1_0001/container_1_0001_01_000001"));
    Files.writeString(app.resolve("stderr"), "boom");
    Files.createDirectories(run.resolve("dfs/data/application_in_a_block_name")); // not a log directory
    assertEquals(List.of(app.getParent().toFile()), LocalCommand.containerLogs(run.toFile()));
    assertEquals(List.of(), LocalCommand.containerLogs(root.resolve("nothing").toFile()));
  }
}
