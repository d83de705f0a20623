package dev.psyarn.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's fresh JVMs start with class data sharing archives as psyarn's AM does, made from the
 * distribution's jar and its dependencies' jars (a module's class directories cannot be archived):
 * the archive is made, and the measured JVM maps its classes from it.
 */
class PreprocessBenchIT {

  @Test
  void bothFreshJvmsMapTheClassesTheirRecordingRunLoadedFromAnArchive(@TempDir File dir) throws Exception {
    String jar = System.getProperty("psyarn.dist.jar");
    assertTrue(jar != null && new File(jar).isFile(), "psyarn.dist.jar (" + jar + ") is built by mvn verify");
    String classpath = jar + File.pathSeparator + Arrays.stream(System.getProperty("java.class.path")
        .split(File.pathSeparator)).filter(e -> e.endsWith(".jar") && new File(e).isFile())
        .collect(Collectors.joining(File.pathSeparator));
    PreprocessSpec pre = PreprocessBenchTest.parquetSpec(dir);
    Configuration conf = new Configuration();
    conf.set("fs.defaultFS", "file:///");

    File oneThread = new File(dir, "sharing-baseline");
    PreprocessBench.FreshJvm.Start start = PreprocessBench.FreshJvm.archive(conf, pre, oneThread, classpath,
        "the one thread", "baseline");
    assertTrue(start.shared(), "an archive from jars: " + read(new File(oneThread, PreprocessBench.FreshJvm.ARCHIVE_LOG)));
    File loads = new File(dir, "baseline-loads.log");
    Map<String, Object> run = PreprocessBench.FreshJvm.baseline(conf, pre, new File(dir, "baseline"),
        logLoads(start, loads));
    assertEquals(300, ((Number) run.get("rows")).intValue());
    assertEquals(true, run.get("classSharing"));
    assertMapped(loads, "org.apache.parquet.hadoop.ParquetReader", 500);

    File stage = new File(dir, "sharing-stage");
    Path recorded = new Path(new File(dir, "recorded").toURI());
    start = PreprocessBench.FreshJvm.archive(conf, pre, stage, classpath, "the stage's jobs", recorded.toString(), "2",
        "2", stage.getAbsolutePath());
    assertTrue(start.shared(), "an archive from jars: " + read(new File(stage, PreprocessBench.FreshJvm.ARCHIVE_LOG)));
    loads = new File(dir, "stage-loads.log");
    Path out = new Path(new File(dir, "out").toURI());
    run = PreprocessBench.FreshJvm.run(conf, pre, out, 2, 2, new File(dir, "stage"), logLoads(start, loads));
    assertEquals(300, ((Number) run.get("rows")).intValue());
    assertEquals(true, run.get("classSharing"));
    assertTrue(new File(dir, "out/preprocess.json").isFile(), "the jobs wrote their output");
    assertMapped(loads, "org.apache.hadoop.mapred.LocalJobRunner", 2000);
  }

  /** {@code start} with the JVM's class loading logged to {@code file}. */
  private static PreprocessBench.FreshJvm.Start logLoads(PreprocessBench.FreshJvm.Start start, File file) {
    List<String> options = new ArrayList<>(start.options());
    options.add("-Xlog:class+load=info:file=" + file);
    return new PreprocessBench.FreshJvm.Start(start.classpath(), options);
  }

  /** At least {@code atLeast} classes, {@code named} among them, came from the archive (the dynamic one: "top"). */
  private static void assertMapped(File loads, String named, int atLeast) throws Exception {
    List<String> shared = Files.readAllLines(loads.toPath()).stream()
        .filter(l -> l.contains("source: shared objects file (top)")).toList();
    assertTrue(shared.size() >= atLeast, shared.size() + " classes from the archive, " + atLeast + " at least");
    assertTrue(shared.stream().anyMatch(l -> l.contains(" " + named + " ")), named + " from the archive");
  }

  private static String read(File f) throws Exception {
    return f.isFile() ? Files.readString(f.toPath()) : "(no " + f + ")";
  }
}
