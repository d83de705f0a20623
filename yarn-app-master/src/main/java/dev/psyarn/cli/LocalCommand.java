package dev.psyarn.cli;

import dev.psyarn.local.LocalCluster;
import java.io.File;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "local", description = "Run a job on an embedded HDFS and YARN cluster in this process, then stop it.")
final class LocalCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Parameters(paramLabel = "JOB.yaml", description = "The job spec.")
  String specFile;

  @Option(names = "--report", paramLabel = "FILE", description = "Write the run report as JSON.")
  String report;

  @Option(names = "--json", description = "Print the run report as JSON.")
  boolean json;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "1", description = "NodeManagers (default ${DEFAULT-VALUE}).")
  int nodes;

  @Mixin
  CliContext.Defines defines = new CliContext.Defines();

  LocalCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || nodes > 8) {
      throw new IllegalArgumentException("--nodes must be from 1 to 8, got " + nodes);
    }
    SpecFile spec = SpecFile.read(specFile, ctx.conf);
    File work = runDirectory(new File("target", "psyarn-local").getAbsoluteFile());
    // The mini YARN cluster keeps its logs below test.build.data: this run's, not a shared one.
    System.setProperty("test.build.data", new File(work, "yarn").getPath());
    File log = quietLogs(work);
    ctx.err.println("the mini clusters log to " + log);
    boolean mapReduce = spec.spec().preprocesses();
    ctx.err.println("starting local HDFS and YARN" + (mapReduce ? " with MapReduce" : "") + " (" + nodes
        + " NodeManager" + (nodes > 1 ? "s" : "") + ") in " + work);
    long start = System.nanoTime();
    java.util.Map<String, String> settings = new java.util.HashMap<>();
    // Container logs outlive their application (and the clusters): a failure's logs can be read.
    settings.put(org.apache.hadoop.yarn.conf.YarnConfiguration.NM_LOG_RETAIN_SECONDS, "86400");
    settings.putAll(commandLineSettings(ctx.conf));
    settings.putAll(defines.properties);
    try (LocalCluster cluster = LocalCluster.start(work, nodes, settings, mapReduce)) {
      ctx.err.printf("local cluster up in %.1f s%n", (System.nanoTime() - start) / 1e9);
      Configuration conf = cluster.conf();
      ctx.conf.forEach(e -> {
        if (e.getKey().startsWith("psyarn.")) {
          conf.set(e.getKey(), e.getValue());
        }
      });
      defines.applyTo(conf);
      if (conf.get(dev.psyarn.PsyarnConfig.PREPROCESS_CACHE_DIR) == null) {
        // The local HDFS is made anew each run: preprocessing output is kept beside the runs instead.
        conf.set(dev.psyarn.PsyarnConfig.PREPROCESS_CACHE_DIR,
            new File(work.getParentFile(), "preprocess-cache").toURI().toString());
      }
      if (conf.get(dev.psyarn.PsyarnConfig.JAR_CACHE_DIR) == null) {
        // psyarn's jars too: kept on the local file system, nothing is uploaded to the new HDFS.
        conf.set(dev.psyarn.PsyarnConfig.JAR_CACHE_DIR, new File(work.getParentFile(), "jars").toURI().toString());
      }
      int code = JobRun.run(ctx, conf, spec, true, report, json);
      if (code != ExitCodes.OK) {
        // The report's log links are the local NodeManagers' pages, gone once the clusters stop.
        for (File logs : containerLogs(work)) {
          ctx.err.println("container logs (kept after the clusters stop): " + logs);
        }
      }
      return code;
    } finally {
      ctx.err.println("local cluster stopped; its logs stay in " + work);
    }
  }

  /** How Hadoop's {@code GenericOptionsParser} marks what a {@code -D} option set. */
  private static final String FROM_COMMAND_LINE = "from command line";

  /**
   * What Hadoop's generic {@code -D key=value} options (before the command) set: the embedded
   * clusters get them as they get the command's own {@code -D} (which win), so that
   * {@code psyarn -D yarn.nodemanager.… local job.yaml} configures the local NodeManagers as
   * {@code yarn jar} users expect, instead of the client's configuration alone.
   */
  static java.util.Map<String, String> commandLineSettings(Configuration conf) {
    java.util.Map<String, String> set = new java.util.TreeMap<>();
    for (java.util.Map.Entry<String, String> e : conf) {
      String[] sources = conf.getPropertySources(e.getKey());
      if (sources != null && java.util.Arrays.asList(sources).contains(FROM_COMMAND_LINE)) {
        set.put(e.getKey(), e.getValue());
      }
    }
    return set;
  }

  /**
   * The mini clusters' own logging (HDFS, YARN, MapReduce: warnings and interrupted threads as
   * they start and stop) goes to {@code local.log} in the run's directory, at INFO; the console
   * keeps psyarn's own messages. Returns the file.
   */
  static File quietLogs(File work) throws java.io.IOException {
    File file = new File(work, "local.log");
    org.apache.log4j.Logger root = org.apache.log4j.Logger.getRootLogger();
    org.apache.log4j.Appender console = root.getAppender("stderr");
    org.apache.log4j.FileAppender toFile = new org.apache.log4j.FileAppender(
        new org.apache.log4j.PatternLayout("%d{ISO8601} %-5p [%t] %c: %m%n"), file.getPath(), true);
    if (console != null) {
      root.removeAppender(console); // not closed: psyarn's own messages keep it
    }
    root.addAppender(toFile);
    root.setLevel(org.apache.log4j.Level.INFO);
    if (console != null) {
      org.apache.log4j.Logger own = org.apache.log4j.Logger.getLogger("dev.psyarn");
      own.addAppender(console); // and to the file, through the root
    }
    // Guice (in YARN's web apps) warns through java.util.logging about its servlet filters.
    GUICE.setLevel(java.util.logging.Level.SEVERE);
    return file;
  }

  /** Held so that java.util.logging keeps the level set on it. */
  private static final java.util.logging.Logger GUICE = java.util.logging.Logger.getLogger("com.google.inject");

  /** The directories of the applications' container logs below a local run's directory. */
  static java.util.List<File> containerLogs(File work) throws java.io.IOException {
    if (!work.isDirectory()) {
      return java.util.List.of();
    }
    try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(work.toPath(), 8)) {
      return paths.filter(p -> p.getFileName().toString().startsWith("application_")
              && p.getParent() != null && p.getParent().getFileName().toString().contains("logDir"))
          .map(java.nio.file.Path::toFile).sorted().toList();
    }
  }

  /** Runs kept below the local root: the newest, and every run still going. */
  static final int KEEP_RUNS = 5;

  /**
   * A directory of this run's own below {@code root} ({@code run-<time>-<pid>}), so that two
   * local runs on one machine never share HDFS blocks or logs; the logs of the newest
   * {@link #KEEP_RUNS} runs stay, older runs whose process is gone are deleted.
   */
  static File runDirectory(File root) throws java.io.IOException {
    long pid = ProcessHandle.current().pid();
    String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .format(java.time.LocalDateTime.now());
    File run = new File(root, "run-" + stamp + "-" + pid);
    java.nio.file.Files.createDirectories(run.toPath());
    File[] runs = root.listFiles(f -> f.isDirectory() && f.getName().matches("run-\\d{8}-\\d{6}-\\d+"));
    if (runs != null && runs.length > KEEP_RUNS) {
      java.util.Arrays.sort(runs, java.util.Comparator.comparing(File::getName));
      for (int i = 0; i < runs.length - KEEP_RUNS; i++) {
        String name = runs[i].getName();
        long owner = Long.parseLong(name.substring(name.lastIndexOf('-') + 1));
        if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
          continue; // a run still going
        }
        org.apache.hadoop.fs.FileUtil.fullyDelete(runs[i]);
      }
    }
    return run;
  }
}
