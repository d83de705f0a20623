package dev.psyarn.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.psyarn.mapreduce.jobs.FeaturizeBaseline;
import dev.psyarn.mapreduce.jobs.Preprocess;
import dev.psyarn.mapreduce.jobs.PreprocessReport;
import dev.psyarn.mapreduce.jobs.ScaledInput;
import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import dev.psyarn.runtime.ClassDataSharing;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;

/**
 * The preprocessing stage's rows a second on an embedded cluster, each run three ways on the same
 * rows: one thread reading and featurizing them (the baseline), the stage's MapReduce jobs on the
 * cluster's task JVMs, and the same jobs in one JVM as psyarn's AM runs them ({@code
 * preprocess.runIn: am}, and {@code auto} for small inputs: MapReduce's LocalJobRunner, a map task
 * a core at a time). That JVM is a fresh one ({@link FreshJvm}), with the heap and collector an AM
 * running the jobs has, the class data sharing archive its node would start it with ({@link
 * FreshJvm#archive}), and a client of the output's file system connected before the timer starts, as
 * the AM's is before its stage ({@code connectSeconds} says how long that took): in the bench's own
 * JVM the baseline's rows would have compiled the reader and the featurizer before the jobs start,
 * which an AM's jobs pay for themselves. The one thread
 * runs in a fresh JVM started the same way, with an archive of its own classes. With {@code
 * scale} above 1 the rows are the spec's Parquet input that many times over ({@link ScaledInput}:
 * copy c with its dates c years later, so a split by month holds), written once under the work
 * directory and reused; the cluster's jobs then get a split a core.
 */
public final class PreprocessBench {

  /** What the cluster's JVM may use of a core and still count as idle: its daemons' loops use about 0.07. */
  static final double IDLE_CORES = 0.15;
  /** The longest a measured run waits for an idle cluster ({@link #settle}). */
  static final int SETTLE_SECONDS = 20;

  private final PrintStream progress;
  private final int runs;
  private final int scale;

  public PreprocessBench(PrintStream progress, int runs, int scale) {
    if (runs < 1 || scale < 1) {
      throw new IllegalArgumentException("runs and scale must be 1 or more, got " + runs + " and " + scale);
    }
    this.progress = progress;
    this.runs = runs;
    this.scale = scale;
  }

  /**
   * Runs the bench; the result holds the medians ({@code baselineRowsPerSecond}, {@code
   * preprocessRowsPerSecond} and {@code ratio} for the cluster's task JVMs, {@code inAmRowsPerSecond}
   * and {@code inAmRatio} for one JVM) and every run's figures.
   */
  public Map<String, Object> run(PreprocessSpec pre, int shards, File work) throws Exception {
    List<Map<String, Object>> baseline = new ArrayList<>();
    List<Map<String, Object>> stage = new ArrayList<>();
    List<Map<String, Object>> inAm = new ArrayList<>();
    int cores = Runtime.getRuntime().availableProcessors();
    FreshJvm.Start baselineJvm;
    FreshJvm.Start stageJvm;
    try (LocalCluster cluster = LocalCluster.start(work, 1, Map.of(), true)) {
      Configuration conf = cluster.conf();
      // Before the input is scaled: the classes of the spec's own rows are the classes of all of them.
      File sharing = new File(work, "class-sharing");
      progress.println("class data sharing, as psyarn's AM starts with its node's archive: one unmeasured run of each"
          + " fresh JVM on " + pre.input() + " records the classes it loads, a short JVM archives them");
      String classpath = System.getProperty("java.class.path");
      baselineJvm = FreshJvm.archive(conf, pre, new File(sharing, "baseline"), classpath, "the one thread", "baseline");
      Path recording = new Path("/bench/class-sharing-run");
      stageJvm = FreshJvm.archive(conf, pre, new File(sharing, "stage"), classpath, "the stage's jobs",
          recording.toString(), Integer.toString(shards), Integer.toString(cores),
          new File(sharing, "stage").getAbsolutePath());
      recording.getFileSystem(conf).delete(recording, true);
      progress.println("  the one thread: " + sharingSaid(baselineJvm, new File(sharing, "baseline"))
          + "; the stage: " + sharingSaid(stageJvm, new File(sharing, "stage")));
      PreprocessSpec onCluster = pre;
      if (scale > 1) {
        pre = scaled(conf, pre, work);
        onCluster = splitForCores(conf, pre, cores);
      }
      for (int run = 0; run < runs; run++) {
        String which = "run " + (run + 1) + " of " + runs + ": ";
        progress.println(which + "one thread reads and featurizes " + pre.input() + " in a fresh JVM");
        double settled = settle();
        baseline.add(FreshJvm.baseline(conf, pre, new File(work, "baseline-" + run), baselineJvm));
        baseline.get(run).put("settleSeconds", settled);
        progress.println("  " + baseline.get(run));
        progress.println(which + "the MapReduce stage " + Preprocess.jobNames(pre) + ", " + shards
            + " shards, on the cluster's task JVMs");
        Path stageOut = new Path("/bench/preprocess-" + run);
        settled = settle();
        stage.add(stageRun(conf, onCluster, stageOut, shards));
        stage.get(run).put("settleSeconds", settled);
        progress.println("  " + stage.get(run));
        // Each run's output goes once measured: every run writes to a DataNode in the same state (the
        // blocks of earlier runs still being written back cost it up to five times the CPU), and a
        // --scale 10 run's 2.4 GB do not pile up on the local disk.
        stageOut.getFileSystem(conf).delete(stageOut, true);
        progress.println(which + "the same stage in a fresh JVM, as psyarn's AM runs it (MapReduce's LocalJobRunner, "
            + cores + " map tasks at a time)");
        Path inAmOut = new Path("/bench/preprocess-in-am-" + run);
        settled = settle();
        inAm.add(FreshJvm.run(conf, pre, inAmOut, shards, cores, new File(work, "in-am-" + run), stageJvm));
        inAm.get(run).put("settleSeconds", settled);
        progress.println("  " + inAm.get(run));
        inAmOut.getFileSystem(conf).delete(inAmOut, true);
      }
    }
    double base = median(baseline, "rowsPerSecond");
    double mr = median(stage, "rowsPerSecond");
    double am = median(inAm, "rowsPerSecond");
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("input", pre.input());
    result.put("scale", scale);
    result.put("runs", runs);
    result.put("baselineRowsPerSecond", base);
    result.put("preprocessRowsPerSecond", mr);
    List<String> names = Preprocess.jobNames(pre);
    result.put("stageName", names.size() == 1 ? "stage, one pass" : "stats + shard jobs");
    StringBuilder perJob = new StringBuilder();
    for (String name : names) {
      double s = median(stage, name + "Seconds");
      result.put(name + "Seconds", s);
      perJob.append(perJob.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f s", name, s));
    }
    result.put("jobSeconds", perJob.toString());
    result.put("ratio", mr / base);
    if (stage.stream().allMatch(r -> r.containsKey("mapsRowsPerSecond"))) {
      // The same with the jobs' fixed costs left out (their AMs and task JVMs starting, the commit).
      result.put("mapsRowsPerSecond", median(stage, "mapsRowsPerSecond"));
      result.put("mapsRatio", median(stage, "mapsRowsPerSecond") / base);
    }
    result.putAll(cpuBudget(stage, base, cores));
    result.put("classSharing", Map.of("baseline", baselineJvm.shared(), "stage", stageJvm.shared()));
    result.put("inAmMapThreads", cores);
    result.put("inAmSeconds", median(inAm, "seconds"));
    result.put("inAmRowsPerSecond", am);
    result.put("inAmRatio", am / base);
    result.putAll(freshJvmBudget(inAm, base, cores));
    result.put("baselineRuns", baseline);
    result.put("preprocessRuns", stage);
    result.put("inAmRuns", inAm);
    return result;
  }

  /**
   * One run of the stage's jobs with {@code conf}: seconds, rows/s, each job's seconds, map tasks and
   * CPU, and on the cluster when its map tasks started and how long they ran.
   */
  private static Map<String, Object> stageRun(Configuration conf, PreprocessSpec pre, Path out, int shards)
      throws Exception {
    long start = System.nanoTime();
    PreprocessReport report = Preprocess.run(conf, pre, out, shards, (name, id, map, reduce) -> { });
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("rows", report.figures().get("rowsRead"));
    row.put("seconds", seconds);
    row.put("rowsPerSecond", ((Long) report.figures().get("rowsRead")) / seconds);
    double mapsSeconds = 0;
    for (Map<String, Object> j : report.jobs()) {
      row.put(j.get("name") + "Seconds", j.get("seconds"));
      row.put(j.get("name") + "MapTasks", j.get("mapTasks"));
      row.put(j.get("name") + "CpuSeconds", j.get("cpuSeconds"));
      if (j.get("mapsSeconds") instanceof Number m) {
        row.put(j.get("name") + "MapsStartedAfterSeconds", j.get("mapsStartedAfterSeconds"));
        row.put(j.get("name") + "MapsSeconds", m);
        mapsSeconds += m.doubleValue();
      }
    }
    // The map tasks' CPU, where every job ran them in task JVMs of their own (an uber task's CPU is its
    // MapReduce AM's too; jobs in one JVM report none).
    double cpu = 0;
    for (Map<String, Object> j : report.jobs()) {
      boolean ownJvms = j.get("cpuSeconds") instanceof Number && !Boolean.TRUE.equals(j.get("uber"));
      cpu = ownJvms && cpu >= 0 ? cpu + ((Number) j.get("cpuSeconds")).doubleValue() : -1;
    }
    if (cpu > 0) {
      row.put("taskCpuSecondsPerRow", cpu / (Long) report.figures().get("rowsRead"));
    }
    if (mapsSeconds > 0) {
      // The rows a second while the map tasks were at work: the stage less its jobs' fixed costs.
      row.put("mapsRowsPerSecond", ((Long) report.figures().get("rowsRead")) / mapsSeconds);
    }
    return row;
  }

  /**
   * Waits until the cluster's JVM is about idle (under {@link #IDLE_CORES} of a core over a second),
   * {@link #SETTLE_SECONDS} at most; returns the seconds waited. Every measured run starts so: the
   * run before it leaves work behind (its containers' cleanup, the DataNode deleting its blocks, the
   * NodeManager's and the history server's bookkeeping), which would otherwise take cores from
   * whichever run comes next, the stage's fresh JVM after the task JVMs' every time. (Measured on
   * the flights rows: idle within a second or two; a guard.)
   */
  private static double settle() throws InterruptedException {
    long start = System.nanoTime();
    long cpu = processCpuNanos();
    while (System.nanoTime() - start < SETTLE_SECONDS * 1_000_000_000L) {
      Thread.sleep(1000);
      long now = processCpuNanos();
      if (now - cpu < IDLE_CORES * 1e9) {
        break;
      }
      cpu = now;
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static String sharingSaid(FreshJvm.Start jvm, File dir) {
    return jvm.shared() ? "starts with " + new File(dir, FreshJvm.ARCHIVE)
        : "no archive (" + new File(dir, FreshJvm.ARCHIVE_LOG) + " says why); it starts without";
  }

  /** The spec on its input {@code scale} times over, written once under {@code work}. */
  private PreprocessSpec scaled(Configuration conf, PreprocessSpec pre, File work) throws IOException {
    if (!pre.format().type().equals("parquet")) {
      throw new IllegalArgumentException("--scale copies Parquet input; this spec's is " + pre.format().type());
    }
    Path in = new Path(pre.input());
    String name = in.getName().replaceFirst("\\.parquet$", "") + ".x" + scale + ".parquet";
    Path out = new Path(new File(work, name).toURI());
    progress.println("writing " + out + ": " + pre.input() + " " + scale + " times over (once; reused after)");
    long rows = ScaledInput.write(conf, in, out, scale, "date");
    long bytes = out.getFileSystem(conf).getFileStatus(out).getLen();
    progress.printf(Locale.ROOT, "  %,d rows, %.0f MB%n", rows, bytes / 1e6);
    return withSection(pre, section -> section.put("input", out.toString()));
  }

  /**
   * {@code pre} cut into a split a core for the cluster's map tasks (unless the spec sets {@code
   * splitMb}): at most a core's share of the input ({@code splitMb}) and at least that too ({@code
   * split.minsize} in {@code conf}), or the file system's blocks cut it smaller (32 MB for the
   * local file the scaled input is: 4 map tasks in two waves on 2 cores).
   */
  private PreprocessSpec splitForCores(Configuration conf, PreprocessSpec pre, int cores) throws IOException {
    if (pre.splitMb() != 0) {
      return pre;
    }
    Path in = new Path(pre.input());
    long bytes = in.getFileSystem(conf).getFileStatus(in).getLen();
    int splitMb = Math.max(1, (int) Math.ceil(bytes / (1024.0 * 1024.0) / cores));
    conf.setLong(FileInputFormat.SPLIT_MINSIZE, splitMb * 1024L * 1024L);
    progress.printf(Locale.ROOT, "  on the cluster: splits of %d MB for %d cores%n", splitMb, cores);
    return withSection(pre, section -> section.put("splitMb", splitMb));
  }

  private static PreprocessSpec withSection(PreprocessSpec pre, java.util.function.Consumer<ObjectNode> change)
      throws IOException {
    ObjectNode section = (ObjectNode) new ObjectMapper().readTree(pre.json());
    change.accept(section);
    return PreprocessSpec.fromJson(section.toString());
  }

  /**
   * The stage's jobs in a JVM of their own, started for them as an AM's is: the heap psyarn's AM
   * needs to run them ({@link Preprocess#inProcessHeapBytes}, at least 256 MiB), the
   * collector of the AM's {@code throughput} profile, and {@link Preprocess#inProcess} with {@code
   * threads} map tasks at a time. The parent hands it the cluster's configuration and the spec as
   * files; it prints its run's figures ({@link #stageRun}, with its process id) as one JSON line.
   * The one thread the stage is measured against runs the same way ({@link #baseline}).
   */
  static final class FreshJvm {

    /** The archive {@link #archive} makes in its directory, and what making it printed. */
    static final String ARCHIVE = "classes.jsa";
    static final String ARCHIVE_LOG = "archive.log";
    /** The options a JVM maps an archive with, as psyarn's launch script ({@code ClassDataSharing.SCRIPT}) gives them. */
    private static final List<String> SHARED = List.of("-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private FreshJvm() {}

    /** How a fresh JVM starts: its classpath, and the options that map its archive (none without one). */
    record Start(String classpath, List<String> options) {
      /** This JVM's classpath, no archive. */
      static Start plain() {
        return new Start(System.getProperty("java.class.path"), List.of());
      }

      boolean shared() {
        return options.stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile="));
      }
    }

    /**
     * Runs the jobs of {@code pre} into {@code out} in a new JVM started as {@code start} says (with
     * an archive, {@link #archive}, or without); {@code dir} holds its files.
     */
    static Map<String, Object> run(Configuration conf, PreprocessSpec pre, Path out, int shards, int threads, File dir,
        Start start) throws Exception {
      Map<String, Object> row = launch(conf, pre, dir, "the stage's jobs", start, out.toString(),
          Integer.toString(shards), Integer.toString(threads), dir.getAbsolutePath());
      double rows = ((Number) row.get("rows")).doubleValue();
      row.put("cpuSecondsPerRow", ((Number) row.get("cpuSeconds")).doubleValue() / rows);
      row.put("clusterCpuSecondsPerRow", ((Number) row.get("clusterCpuSeconds")).doubleValue() / rows);
      return row;
    }

    /**
     * The one thread ({@link FeaturizeBaseline#run}) on {@code pre}'s input in a new JVM started as
     * the stage's is (the same heap and collector): both pay for their JVM's compilers, and neither
     * shares a heap or a collector with the cluster. In the bench's own JVM (G1, a heap of 6 GB) the
     * one thread ran slower, even warm: 30 M rows in 22.6–25.5 s against 21.2–21.4 s in a JVM of its
     * own with the parallel collector, side by side (docs/benchmarks.md).
     */
    static Map<String, Object> baseline(Configuration conf, PreprocessSpec pre, File dir, Start start)
        throws Exception {
      return launch(conf, pre, dir, "the one thread", start, "baseline");
    }

    /**
     * A class data sharing archive for the fresh JVM {@code args} start, made as a node makes psyarn's
     * AM's ({@code ClassDataSharing}): one run of it on {@code pre} lists the classes it loads ({@code
     * -XX:DumpLoadedClassList}), and {@link ClassDataSharing#main} loads them in a short JVM that writes
     * the archive as it exits, all on {@code classpath}. Returns how a JVM starts with it, or without
     * when no archive was made ({@link #ARCHIVE_LOG} in {@code dir} says why: JDK 17 archives the
     * classes of jars only, and a module's tests run from its class directories). Both fresh JVMs of
     * the bench start with one, as the AM does: in a JVM without, the stage pays for loading Hadoop's
     * classes (its file systems, the job's submission, the LocalJobRunner) and for compiling the class
     * loader's methods while it runs.
     */
    static Start archive(Configuration conf, PreprocessSpec pre, File dir, String classpath, String what,
        String... args) throws Exception {
      File list = new File(dir, "classes.lst");
      File jsa = new File(dir, ARCHIVE);
      java.nio.file.Files.createDirectories(dir.toPath());
      java.nio.file.Files.deleteIfExists(jsa.toPath());
      launch(conf, pre, dir, what + " recording its classes", new Start(classpath,
          List.of("-XX:DumpLoadedClassList=" + list)), args);
      List<String> command = new ArrayList<>(List.of(java(), "-XX:ArchiveClassesAtExit=" + jsa));
      command.addAll(SHARED);
      command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-cp",
          classpath, ClassDataSharing.class.getName(), list.getPath()));
      int exit = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(new File(dir, ARCHIVE_LOG)).start().waitFor();
      if (exit != 0 || !jsa.isFile()) {
        return new Start(classpath, List.of());
      }
      List<String> options = new ArrayList<>();
      options.add("-XX:SharedArchiveFile=" + jsa);
      options.addAll(SHARED);
      return new Start(classpath, options);
    }

    private static String java() {
      return new File(System.getProperty("java.home"), "bin/java").getPath();
    }

    private static Map<String, Object> launch(Configuration conf, PreprocessSpec pre, File dir, String what,
        Start start, String... args) throws Exception {
      java.nio.file.Files.createDirectories(dir.toPath());
      File confFile = new File(dir, "conf.xml");
      try (var os = java.nio.file.Files.newOutputStream(confFile.toPath())) {
        conf.writeXml(os);
      }
      File specFile = new File(dir, "preprocess.json");
      java.nio.file.Files.writeString(specFile.toPath(), pre.json());
      long bytes = Preprocess.inputBytes(conf, pre);
      long heapMb = Math.max(256, Preprocess.inProcessHeapBytes(bytes) >> 20);
      List<String> command = new ArrayList<>();
      command.add(java());
      command.add("-Xmx" + heapMb + "m");
      command.addAll(dev.psyarn.runtime.JvmProfile.THROUGHPUT.withUserOptions(List.of()));
      command.addAll(start.options());
      command.addAll(List.of("-cp", start.classpath(), FreshJvm.class.getName(),
          confFile.getPath(), specFile.getPath()));
      command.addAll(List.of(args));
      File log = new File(dir, "stderr.log");
      long clusterCpu = processCpuNanos();
      Process p = new ProcessBuilder(command).redirectError(log).start();
      String stdout = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int exit = p.waitFor();
      String[] lines = stdout.strip().split("\n");
      if (exit != 0 || !lines[lines.length - 1].startsWith("{")) {
        throw new IOException(what + " in a JVM of its own exited " + exit + "; its log is " + log);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> row = new ObjectMapper().readValue(lines[lines.length - 1], LinkedHashMap.class);
      row.put("heapMb", heapMb);
      row.put("classSharing", start.shared());
      // This JVM's CPU while the other ran: the cluster's daemons (the DataNode taking the shards, the
      // NameNode, YARN's idle loops), which share the cores with the stage as a cluster's do with its AM.
      row.put("clusterCpuSeconds", (processCpuNanos() - clusterCpu) / 1e9);
      return row;
    }

    /**
     * {@code CONF.xml SPEC.json OUTPUT SHARDS THREADS WORK_DIR}: runs the jobs, prints their figures;
     * {@code CONF.xml SPEC.json baseline}: runs the one thread, prints its figures.
     */
    public static void main(String[] args) throws Exception {
      Configuration conf = new Configuration(false);
      conf.addResource(new Path(new File(args[0]).toURI()));
      PreprocessSpec pre = PreprocessSpec.fromJson(java.nio.file.Files.readString(new File(args[1]).toPath()));
      if (args[2].equals("baseline")) {
        Map<String, Object> row = new LinkedHashMap<>(FeaturizeBaseline.run(conf, pre));
        row.put("pid", ProcessHandle.current().pid());
        System.out.println(new ObjectMapper().writeValueAsString(row));
        return;
      }
      Configuration local = Preprocess.inProcess(conf, Integer.parseInt(args[4]), args[5]);
      // psyarn's AM has a client of the cluster's file system, connected, before its stage starts (it
      // writes its endpoint and journal there first): so has this JVM before its timer.
      Path out = new Path(args[2]);
      long connect = System.nanoTime();
      out.getFileSystem(local).exists(out.getParent());
      double connectSeconds = (System.nanoTime() - connect) / 1e9;
      long cpu = processCpuNanos();
      Map<String, Object> row = stageRun(local, pre, out, Integer.parseInt(args[3]));
      row.put("connectSeconds", connectSeconds);
      // Every thread's: the map tasks, the compilers, the collector, the HDFS client.
      row.put("cpuSeconds", (processCpuNanos() - cpu) / 1e9);
      row.put("pid", ProcessHandle.current().pid());
      System.out.println(new ObjectMapper().writeValueAsString(row));
    }
  }

  /**
   * What the cluster's task JVMs cost a row against the one thread ({@code baselineRowsPerSecond}),
   * by the medians of the runs whose jobs all reported their CPU: {@code taskCpuMicrosPerRow}, {@code
   * baselineMicrosPerRow}, {@code taskCpuRatio}, and {@code mapsRatioAtMost}, the highest ratio the
   * map tasks could reach on {@code cores} cores at that CPU a row (the one thread's row costing its
   * wall time). Empty when no run has the figures (the jobs ran in one JVM).
   */
  static Map<String, Object> cpuBudget(List<Map<String, Object>> stage, double baselineRowsPerSecond, int cores) {
    List<Map<String, Object>> measured = stage.stream().filter(r -> r.get("taskCpuSecondsPerRow") != null).toList();
    Map<String, Object> out = new LinkedHashMap<>();
    if (measured.isEmpty()) {
      return out;
    }
    double task = median(measured, "taskCpuSecondsPerRow") * 1e6;
    double one = 1e6 / baselineRowsPerSecond;
    out.put("taskCpuMicrosPerRow", task);
    out.put("baselineMicrosPerRow", one);
    out.put("taskCpuRatio", task / one);
    out.put("cores", cores);
    out.put("mapsRatioAtMost", cores * one / task);
    return out;
  }

  /**
   * What the stage in a fresh JVM cost a row against the one thread, by the medians of its runs: its
   * own CPU ({@code inAmCpuMicrosPerRow}), the cluster's JVM's while it ran ({@code
   * inAmClusterCpuMicrosPerRow}: the DataNode writing its shards, mostly), and {@code inAmRatioAtMost},
   * the highest ratio {@code cores} cores could give at both together. Empty when a run lacks them.
   */
  static Map<String, Object> freshJvmBudget(List<Map<String, Object>> inAm, double baselineRowsPerSecond, int cores) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (inAm.isEmpty() || !inAm.stream().allMatch(r -> r.containsKey("cpuSecondsPerRow"))) {
      return out;
    }
    double own = median(inAm, "cpuSecondsPerRow") * 1e6;
    double cluster = median(inAm, "clusterCpuSecondsPerRow") * 1e6;
    double one = 1e6 / baselineRowsPerSecond;
    out.put("inAmCpuMicrosPerRow", own);
    out.put("inAmClusterCpuMicrosPerRow", cluster);
    out.put("inAmCpuRatio", (own + cluster) / one);
    out.put("inAmRatioAtMost", cores * one / (own + cluster));
    return out;
  }


  /** This JVM's CPU time so far, every thread's. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static double median(List<Map<String, Object>> rows, String key) {
    double[] v = rows.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
