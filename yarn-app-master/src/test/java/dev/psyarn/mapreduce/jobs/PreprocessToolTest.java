package dev.psyarn.mapreduce.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.util.ToolRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage run as a Hadoop Tool ({@code yarn jar psyarn.jar dev.psyarn.mapreduce.jobs.Preprocess ...}). */
class PreprocessToolTest {

  /**
   * A job in this process is asked for its progress every 50 ms; the Tool prints a line only when
   * the progress has moved, so a long job's log is not one line a poll.
   */
  @Test
  void theToolPrintsAJobsProgressOnlyWhenItMoves(@TempDir File dir) throws Exception {
    StringBuilder rows = new StringBuilder("y,a,b\n");
    for (int i = 0; i < 200_000; i++) {
      rows.append(i % 3 == 0 ? 1 : 0).append(",v").append(i % 97).append(",w").append(i % 31).append('\n');
    }
    File csv = new File(dir, "in.csv");
    Files.writeString(csv.toPath(), rows);
    File spec = new File(dir, "spec.yaml");
    Files.writeString(spec.toPath(), """
        input: %s
        format: csv
        label: "y == 1"
        split: {testFraction: 0.2}
        features: [{name: a, column: a}, {name: b, column: b}, {name: ab, cross: [a, b]}]
        """.formatted(csv.toURI()));
    Configuration conf = Preprocess.inProcess(new Configuration(), 2, new File(dir, "work").getPath());
    conf.set("fs.defaultFS", "file:///");

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream err = System.err;
    int exit;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit = ToolRunner.run(conf, new Preprocess(), new String[] {spec.getPath(), new File(dir, "out").toURI().toString(),
          "2"});
    } finally {
      System.setErr(err);
    }

    assertEquals(0, exit, captured.toString(StandardCharsets.UTF_8));
    List<String> progress = Arrays.stream(captured.toString(StandardCharsets.UTF_8).split("\n"))
        .filter(l -> l.startsWith("shard job_")).toList();
    assertTrue(!progress.isEmpty(), "the job's progress is shown");
    assertTrue(progress.get(progress.size() - 1).endsWith("map 100%"), progress.toString());
    for (int i = 1; i < progress.size(); i++) {
      assertTrue(!progress.get(i).equals(progress.get(i - 1)), "line " + i + " repeats the one before: " + progress);
    }
    assertTrue(new File(dir, "out/preprocess.json").isFile());
  }
}
