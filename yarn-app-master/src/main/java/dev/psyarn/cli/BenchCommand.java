package dev.psyarn.cli;

import dev.psyarn.local.LocalCluster;
import dev.psyarn.local.StartupBench;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", description = "Benchmarks on an embedded cluster, side by side with their reference.")
final class BenchCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Parameters(paramLabel = "WHAT", description = {
      "pushpull: one worker and one server on loopback, push and pull throughput by request shape;",
      "flights: the flights-lr example on an embedded cluster beside liblinear-java on the same features;",
      "preprocess: the spec's MapReduce preprocessing on an embedded cluster's task JVMs, and in one JVM as psyarn's AM runs it,",
      "  beside one thread reading and featurizing;",
      "startup: submit → all N containers running, vs MapReduce's SleepJob on an embedded cluster;",
      "recovery: a worker's JVM killed mid-run (counter and flights jobs): seconds to its replacement, job time vs clean;",
      "  with --role server, a server's: replicated and checkpointed jobs, and the cost of checkpoints on training;",
      "checkpoint: a server's checkpoint written to and read from HDFS, beside hdfs dfs -put/-get of the same bytes."})
  String what;

  @Option(names = "--window", defaultValue = "2", description = "pushpull: requests in flight (default ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--seconds", defaultValue = "1", description = "pushpull: seconds a timed run (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--sizes", split = ",", defaultValue = "2,4,8", description = "Container counts N (default ${DEFAULT-VALUE}).")
  int[] sizes;

  @Option(names = "--runs", defaultValue = "3", description = "Runs per size or shape; medians are reported (default ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--spec", defaultValue = "examples/flights-lr.yaml", description = "flights: the job (default ${DEFAULT-VALUE}).")
  String spec;

  @Option(names = "--scale", defaultValue = "1", description = "preprocess: measure on the input's rows this many "
      + "times over (one Parquet file, copy c with its dates c years later, so a split by month holds; written once "
      + "under target/psyarn-bench and reused), split so that every core gets map tasks (default ${DEFAULT-VALUE}).")
  int scale;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--tls", description = "pushpull: measure plain TCP beside TLS, shape by shape.")
  private boolean tls;

  @Option(names = "--pslite", description = "pushpull: ps-lite's run.sh (../shared/peers/pslite/run.sh, built by its "
      + "build.sh): run it and psyarn's bench alternately, --pairs times, and give each shape's ratios as medians of "
      + "the pairs.")
  private String psLite;

  @Option(names = "--pairs", defaultValue = "3", description = "pushpull --pslite: alternating pairs (default ${DEFAULT-VALUE}).")
  private int pairs;

  @Option(names = "--replication", defaultValue = "0", description = "pushpull: 1 to measure a server whose range is "
      + "replicated on a second one beside one that is not (default ${DEFAULT-VALUE}).")
  int replication;

  @Option(names = "--role", defaultValue = "worker", description = "recovery: the role whose container 1 is killed, "
      + "worker or server (default ${DEFAULT-VALUE}).")
  String role;

  @Option(names = "--keys", defaultValue = "8000000", description = "checkpoint: keys in the server's table "
      + "(FTRL: 8 floats of slot a key of width 4; default ${DEFAULT-VALUE}).")
  int keys;

  BenchCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    if (runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1");
    }
    return switch (what) {
      case "startup" -> startup();
      case "pushpull" -> pushPull();
      case "flights" -> flights();
      case "preprocess" -> preprocess();
      case "recovery" -> recovery();
      case "checkpoint" -> checkpoint();
      default -> throw new IllegalArgumentException("unknown benchmark \"" + what
          + "\"; known: checkpoint, flights, preprocess, pushpull, recovery, startup");
    };
  }

  private int flights() throws Exception {
    SpecFile job = SpecFile.read(spec);
    if (!(job.spec().app().settings() instanceof dev.psyarn.ps.apps.LrSettings app)) {
      throw new IllegalArgumentException(spec + " is not a sparse-lr job");
    }
    ctx.err.println("liblinear-java on the same features, in this JVM...");
    boolean preprocesses = job.spec().preprocesses();
    String data = preprocesses ? job.spec().preprocess().input() : app.data();
    int hashBits = preprocesses && !job.spec().preprocess().encoding().dictionary()
        ? job.spec().preprocess().encoding().bits() : app.hashBits();
    Map<String, Object> liblinear = dev.psyarn.ps.apps.LiblinearBaseline.run(ctx.conf,
        new org.apache.hadoop.fs.Path(data), hashBits);
    ctx.err.println(liblinear);
    File work = new File("target", "psyarn-bench").getAbsoluteFile();
    Map<String, Object> psyarn = new LinkedHashMap<>();
    try (LocalCluster cluster = LocalCluster.start(work, 1, Map.of(), preprocesses)) {
      Configuration conf = cluster.conf();
      ctx.err.println("psyarn " + job.spec().name() + " on an embedded cluster...");
      long start = System.nanoTime();
      dev.psyarn.am.JobStatus report = dev.psyarn.client.JobRunner.runToEnd(conf, job.spec(), job.text(),
          DistJar.locate(ctx.conf));
      psyarn.put("trainer", "psyarn sparse-lr, " + job.spec().role(dev.psyarn.spec.Role.SERVER).instances() + " servers, "
          + job.spec().role(dev.psyarn.spec.Role.WORKER).instances() + " workers");
      psyarn.putAll(report.metrics());
      psyarn.remove("lossCurve");
      psyarn.put("jobSeconds", (System.nanoTime() - start) / 1e9);
    }
    double liblinearSeconds = ((Number) liblinear.get("readSeconds")).doubleValue()
        + ((Number) liblinear.get("trainSeconds")).doubleValue();
    Map<String, Object> comparison = new LinkedHashMap<>();
    comparison.put("liblinearReadAndTrainSeconds", liblinearSeconds);
    if (psyarn.get("train.secondsToTarget") instanceof Number toTarget) {
      comparison.put("targetLogloss", app.targetLogloss());
      comparison.put("psyarnSecondsToTarget", toTarget.doubleValue());
      comparison.put("ratio", toTarget.doubleValue() / liblinearSeconds);
    }
    // The whole job, submission to model (preprocessing, containers, training, scoring), against
    // the baseline's whole task (read, featurize, train).
    double jobSeconds = ((Number) psyarn.get("jobSeconds")).doubleValue();
    comparison.put("psyarnJobSeconds", jobSeconds);
    comparison.put("wholeJobRatio", jobSeconds / liblinearSeconds);
    if (json) {
      ctx.printJson(List.of(liblinear, psyarn, comparison));
    } else {
      ctx.out.println("trainer | test logloss | AUC | accuracy | seconds");
      ctx.out.printf(Locale.ROOT, "%s | %.4f | %.4f | %.4f | %.1f read + %.1f train%n", liblinear.get("trainer"),
          liblinear.get("logloss"), liblinear.get("auc"), liblinear.get("accuracy"), liblinear.get("readSeconds"),
          liblinear.get("trainSeconds"));
      ctx.out.printf(Locale.ROOT, "%s | %.4f | %.4f | %.4f | %.1f train (whole job %.1f)%n", psyarn.get("trainer"),
          psyarn.get("test.logloss"), psyarn.get("test.auc"), psyarn.get("test.accuracy"), psyarn.get("train.seconds"),
          psyarn.get("jobSeconds"));
      if (psyarn.get("train.secondsToTarget") instanceof Number toTarget) {
        ctx.out.printf(Locale.ROOT, "psyarn reached test logloss %s after %.1f s of training (epoch %.0f); "
            + "liblinear-java read + train %.1f s; ratio psyarn / liblinear-java %.2f%n",
            String.valueOf(app.targetLogloss()), toTarget.doubleValue(),
            ((Number) psyarn.get("train.epochsToTarget")).doubleValue(), liblinearSeconds,
            toTarget.doubleValue() / liblinearSeconds);
      } else {
        ctx.out.println("psyarn did not reach the spec's targetLogloss (or the spec sets none)");
      }
      ctx.out.printf(Locale.ROOT, "whole job, submission to model: psyarn %.1f s; liblinear-java read + featurize + "
          + "train %.1f s; ratio %.2f%n", jobSeconds, liblinearSeconds, jobSeconds / liblinearSeconds);
    }
    return ExitCodes.OK;
  }

  private int preprocess() throws Exception {
    SpecFile job = SpecFile.read(spec);
    if (!job.spec().preprocesses()) {
      throw new IllegalArgumentException(spec + " has no preprocess section");
    }
    if (scale < 1) {
      throw new IllegalArgumentException("--scale must be 1 or more, got " + scale);
    }
    Map<String, Object> result = new dev.psyarn.local.PreprocessBench(ctx.err, runs, scale).run(job.spec().preprocess(),
        job.spec().role(dev.psyarn.spec.Role.WORKER).instances(), new File("target", "psyarn-bench").getAbsoluteFile());
    if (json) {
      ctx.printJson(result);
    } else {
      ctx.out.printf(Locale.ROOT, "medians of %d runs%n", runs);
      @SuppressWarnings("unchecked")
      Map<String, Object> sharing = (Map<String, Object>) result.get("classSharing");
      ctx.out.printf(Locale.ROOT, "one thread, read + featurize, in a fresh JVM%s | %.0f rows/s%n",
          Boolean.TRUE.equals(sharing.get("baseline")) ? " (class data sharing)" : "",
          result.get("baselineRowsPerSecond"));
      ctx.out.printf(Locale.ROOT, "MapReduce %s, task JVMs | %.0f rows/s (%s) | ratio %.2f%n",
          result.get("stageName"), result.get("preprocessRowsPerSecond"), result.get("jobSeconds"), result.get("ratio"));
      if (result.containsKey("mapsRatio")) {
        ctx.out.printf(Locale.ROOT, "  while its map tasks were at work (no AM or JVM start, no commit) | %.0f rows/s "
            + "| ratio %.2f%n", result.get("mapsRowsPerSecond"), result.get("mapsRatio"));
      }
      if (result.containsKey("taskCpuRatio")) {
        ctx.out.printf(Locale.ROOT, "  its tasks' CPU | %.2f µs a row against the one thread's %.2f µs: %.2f× "
            + "(on %d cores its maps can reach a ratio of %.2f at most)%n", result.get("taskCpuMicrosPerRow"),
            result.get("baselineMicrosPerRow"), result.get("taskCpuRatio"), result.get("cores"),
            result.get("mapsRatioAtMost"));
      }
      ctx.out.printf(Locale.ROOT, "the same in a fresh JVM (LocalJobRunner, %s map tasks at a time, as the AM runs "
          + "it%s) | %.0f rows/s (%.1f s) | ratio %.2f%n", result.get("inAmMapThreads"),
          Boolean.TRUE.equals(sharing.get("stage")) ? ", class data sharing" : "", result.get("inAmRowsPerSecond"),
          result.get("inAmSeconds"), result.get("inAmRatio"));
      if (result.containsKey("inAmRatioAtMost")) {
        ctx.out.printf(Locale.ROOT, "  its CPU | %.2f µs a row, and the cluster's JVM %.2f µs while it ran (the DataNode "
            + "writing its shards), against the one thread's %.2f µs: %.2f× (on %d cores a ratio of %.2f at most)%n",
            result.get("inAmCpuMicrosPerRow"), result.get("inAmClusterCpuMicrosPerRow"),
            1e6 / (double) result.get("baselineRowsPerSecond"), result.get("inAmCpuRatio"), result.get("inAmMapThreads"),
            result.get("inAmRatioAtMost"));
      }
    }
    return ExitCodes.OK;
  }

  private int pushPull() throws Exception {
    PushPullReport report = new PushPullReport(ctx, runs, seconds, window, json);
    if (psLite != null) {
      if (tls || replication != 0 || pairs < 1) {
        throw new IllegalArgumentException("--pslite runs plain TCP without replication, --pairs at least 1");
      }
      return report.againstPsLite(new PsLiteReference(CliContext.userPath(psLite)), pairs);
    }
    return report.run(replication, tls);
  }

  /**
   * The counter job and the flights job (on shards the spec's preprocessing wrote once, as the
   * example trains), each clean and with worker 1 killed mid-run, {@code --runs} pairs each, on one
   * embedded cluster.
   */
  private int recovery() throws Exception {
    SpecFile flights = SpecFile.read(spec);
    if (!flights.spec().preprocesses()) {
      throw new IllegalArgumentException(spec + " has no preprocess section: recovery trains on its shards");
    }
    if (!role.equals("worker") && !role.equals("server")) {
      throw new IllegalArgumentException("--role must be worker or server, got \"" + role + "\"");
    }
    String workerRestart = "restart: {backoffSeconds: 0}";
    Map<String, String> jobs = new LinkedHashMap<>();
    String shards = "/bench/recovery-shards";
    String flightsApp = "app: {type: sparse-lr, shards: " + shards + "/" + dev.psyarn.mapreduce.jobs.Preprocess.SHARDS
        + ", epochs: 6, batchSize: 2000,\n"
        + "  updater: {type: ftrl, rate: 0.25, beta: 1}, consistency: {model: bounded, maxDelay: 2}}\n";
    if (role.equals("server")) {
      return serverRecovery(flights, shards, flightsApp, workerRestart);
    }
    jobs.put("counter", "name: recovery-counter\nam: {memory: 256m}\nroles:\n"
        + "  server: {instances: 2, memory: 128m}\n  worker: {instances: 2, memory: 128m, " + workerRestart + "}\n"
        + "app: {type: counter, keys: 2000, rounds: 60, pauseMs: 100}\n");
    jobs.put("flights", "name: recovery-flights\nam: {memory: 384m}\nroles:\n"
        + "  server: {instances: 2, memory: 512m}\n  worker: {instances: 2, memory: 1g, " + workerRestart + "}\n"
        + flightsApp);
    double killAt = 0.4; // of what worker 1 sent in the clean run: well into the work
    Map<String, Object> result = new LinkedHashMap<>();
    try (LocalCluster cluster = clusterWithShards(flights, shards)) {
      dev.psyarn.local.RecoveryBench bench = new dev.psyarn.local.RecoveryBench(cluster.conf(),
          DistJar.locate(ctx.conf), ctx.err);
      for (Map.Entry<String, String> job : jobs.entrySet()) {
        ctx.err.println(job.getKey() + ": " + runs + " pairs of runs, clean and with worker 1 killed");
        List<dev.psyarn.local.RecoveryBench.Run> pairs = bench.run(job.getValue(), killAt, runs);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("killToRegisteredSeconds", medianOf(pairs, dev.psyarn.local.RecoveryBench.Run::killToRegistered));
        row.put("killToPushingSeconds", medianOf(pairs, dev.psyarn.local.RecoveryBench.Run::killToPushing));
        row.put("replacementStartSeconds", medianOf(pairs, dev.psyarn.local.RecoveryBench.Run::replacementStart));
        row.put("cleanSeconds", medianOf(pairs, dev.psyarn.local.RecoveryBench.Run::cleanSeconds));
        row.put("faultSeconds", medianOf(pairs, dev.psyarn.local.RecoveryBench.Run::faultSeconds));
        row.put("faultOverClean", medianOf(pairs, p -> p.faultSeconds() / p.cleanSeconds()));
        row.put("runs", pairs);
        result.put(job.getKey(), row);
      }
    }
    if (json) {
      ctx.printJson(result);
    } else {
      ctx.out.printf(Locale.ROOT, "medians of %d pairs of runs%n", runs);
      ctx.out.println("job | kill → replacement registered (s) | kill → pushing again (s) | one container start (s) "
          + "| clean job (s) | job with the fault (s) | fault / clean");
      result.forEach((name, r) -> {
        Map<?, ?> row = (Map<?, ?>) r;
        ctx.out.printf(Locale.ROOT, "%s | %.2f | %.2f | %.2f | %.1f | %.1f | %.2f%n", name,
            row.get("killToRegisteredSeconds"), row.get("killToPushingSeconds"), row.get("replacementStartSeconds"),
            row.get("cleanSeconds"), row.get("faultSeconds"), row.get("faultOverClean"));
      });
    }
    return ExitCodes.OK;
  }

  /** An embedded cluster whose HDFS holds the spec's shards for 2 workers at {@code shards}. */
  private LocalCluster clusterWithShards(SpecFile flights, String shards) throws Exception {
    File work = new File("target", "psyarn-bench").getAbsoluteFile();
    ctx.err.println("starting local HDFS, YARN and MapReduce in " + work);
    LocalCluster cluster = LocalCluster.start(work, 1, Map.of(), true);
    try {
      ctx.err.println("flights: preprocessing once, for shards of 2 workers");
      dev.psyarn.mapreduce.jobs.Preprocess.run(cluster.conf(), flights.spec().preprocess(),
          new org.apache.hadoop.fs.Path(shards), 2, (name, id, map, reduce) -> { });
      return cluster;
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Server faults: server 1 killed in a counter and a flights job with replication 1, and in a
   * flights job with checkpoints only (one a worker's epoch: 2.5 M rows / 2 workers / 2000 a batch
   * = 624 steps); the flights job's clean training time with checkpoints and with replication over
   * a plain one's.
   */
  private int serverRecovery(SpecFile flights, String shards, String flightsApp, String restart) throws Exception {
    String server = "  server: {instances: 2, memory: 512m, " + restart + "}\n  worker: {instances: 2, memory: 1g}\n";
    Map<String, String> jobs = new LinkedHashMap<>();
    jobs.put("counter, replication 1", "name: recovery-counter-replicated\nam: {memory: 256m}\nroles:\n"
        + "  server: {instances: 2, memory: 128m, " + restart + "}\n  worker: {instances: 2, memory: 128m}\n"
        + "app: {type: counter, keys: 2000, rounds: 60, pauseMs: 100}\nreplication: 1\n");
    jobs.put("flights, replication 1", "name: recovery-flights-replicated\nam: {memory: 384m}\nroles:\n" + server
        + flightsApp + "replication: 1\n");
    jobs.put("flights, checkpoint every epoch", "name: recovery-flights-checkpoint\nam: {memory: 384m}\nroles:\n"
        + server + flightsApp + "checkpoint: {everyClocks: 624}\n");
    String plain = "name: recovery-flights-plain\nam: {memory: 384m}\nroles:\n"
        + "  server: {instances: 2, memory: 512m}\n  worker: {instances: 2, memory: 1g}\n" + flightsApp;
    double killAt = 0.4;
    Map<String, Object> result = new LinkedHashMap<>();
    try (LocalCluster cluster = clusterWithShards(flights, shards)) {
      dev.psyarn.local.RecoveryBench bench = new dev.psyarn.local.RecoveryBench(cluster.conf(),
          DistJar.locate(ctx.conf), ctx.err);
      double[] plainTrain = new double[runs];
      for (int r = 0; r < runs; r++) {
        plainTrain[r] = bench.cleanTrainSeconds(plain);
        ctx.err.printf(Locale.ROOT, "plain flights run %d of %d: %.1f s of training%n", r + 1, runs, plainTrain[r]);
      }
      java.util.Arrays.sort(plainTrain);
      double plainMedian = plainTrain.length % 2 == 1 ? plainTrain[runs / 2]
          : (plainTrain[runs / 2 - 1] + plainTrain[runs / 2]) / 2;
      result.put("plainFlightsTrainSeconds", plainMedian);
      for (Map.Entry<String, String> job : jobs.entrySet()) {
        ctx.err.println(job.getKey() + ": " + runs + " pairs of runs, clean and with server 1 killed");
        List<dev.psyarn.local.RecoveryBench.Run> pairs = bench.run(job.getValue(), killAt, runs, "server");
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("killToRegisteredSeconds", medianOf(pairs, dev.psyarn.local.RecoveryBench.Run::killToRegistered));
        row.put("rangesUnservedSeconds", medianOf(pairs, dev.psyarn.local.RecoveryBench.Run::outageSeconds));
        row.put("replacementStartSeconds", medianOf(pairs, dev.psyarn.local.RecoveryBench.Run::replacementStart));
        row.put("cleanSeconds", medianOf(pairs, dev.psyarn.local.RecoveryBench.Run::cleanSeconds));
        row.put("faultSeconds", medianOf(pairs, dev.psyarn.local.RecoveryBench.Run::faultSeconds));
        row.put("faultOverClean", medianOf(pairs, p -> p.faultSeconds() / p.cleanSeconds()));
        row.put("cleanTrainOverPlain", medianOf(pairs, p -> p.cleanTrainSeconds() / plainMedian));
        row.put("runs", pairs);
        result.put(job.getKey(), row);
      }
    }
    if (json) {
      ctx.printJson(result);
    } else {
      ctx.out.printf(Locale.ROOT, "medians of %d pairs of runs; plain flights training %.1f s%n", runs,
          result.get("plainFlightsTrainSeconds"));
      ctx.out.println("job | kill → replacement registered (s) | ranges unserved (s) | one container start (s) "
          + "| clean job (s) | job with the fault (s) | fault / clean | clean training / plain");
      result.forEach((name, r) -> {
        if (r instanceof Map<?, ?> row) {
          ctx.out.printf(Locale.ROOT, "%s | %.2f | %.2f | %.2f | %.1f | %.1f | %.2f | %.2f%n", name,
              row.get("killToRegisteredSeconds"), row.get("rangesUnservedSeconds"), row.get("replacementStartSeconds"),
              row.get("cleanSeconds"), row.get("faultSeconds"), row.get("faultOverClean"), row.get("cleanTrainOverPlain"));
        }
      });
    }
    return ExitCodes.OK;
  }

  /**
   * A server's checkpoint of {@code --keys} keys (an FTRL table of width 4: 8 floats of slot a key)
   * written to and read back from the embedded HDFS, beside {@code hdfs dfs -put} and {@code -get}
   * (FileSystem.copyFromLocalFile / copyToLocalFile) of the same file, medians of {@code --runs}.
   */
  private int checkpoint() throws Exception {
    if (keys < 1) {
      throw new IllegalArgumentException("--keys must be at least 1");
    }
    Map<String, Object> result = new dev.psyarn.local.CheckpointBench(ctx.err)
        .run(new File("target", "psyarn-bench").getAbsoluteFile(), keys, runs);
    if (json) {
      ctx.printJson(result);
    } else {
      ctx.out.printf(Locale.ROOT, "%d keys, %d MB, medians of %d runs%n", keys, ((Long) result.get("bytes")) >> 20, runs);
      ctx.out.printf(Locale.ROOT, "checkpoint write %.2f GB/s | hdfs put %.2f GB/s | write / put %.2f%n",
          result.get("writeGBps"), result.get("putGBps"), result.get("writeOverPut"));
      ctx.out.printf(Locale.ROOT, "checkpoint read %.2f GB/s | hdfs get %.2f GB/s | read / get %.2f%n",
          result.get("readGBps"), result.get("getGBps"), result.get("readOverGet"));
    }
    return ExitCodes.OK;
  }

  private static double medianOf(List<dev.psyarn.local.RecoveryBench.Run> runs,
      java.util.function.ToDoubleFunction<dev.psyarn.local.RecoveryBench.Run> figure) {
    double[] v = runs.stream().mapToDouble(figure).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private int startup() throws Exception {
    if (sizes.length == 0) {
      throw new IllegalArgumentException("need --runs ≥ 1 and at least one size");
    }
    for (int n : sizes) {
      if (n < 2 || n > 16) {
        throw new IllegalArgumentException("--sizes must be from 2 to 16, got " + n);
      }
    }
    File work = new File("target", "psyarn-bench").getAbsoluteFile();
    ctx.err.println("starting local HDFS, YARN and MapReduce in " + work);
    ctx.err.println("with the reference program's settings (../shared/peers/run.sh SleepJobBench): "
        + StartupBench.REFERENCE_SETTINGS);
    try (LocalCluster cluster = LocalCluster.start(work, 1, StartupBench.REFERENCE_SETTINGS, true)) {
      Configuration conf = cluster.conf();
      // psyarn's own -D settings apply to the bench's submissions (e.g. psyarn.jar-cache.enabled=false).
      ctx.conf.getPropsWithPrefix("psyarn.").forEach((k, v) -> conf.set("psyarn." + k, v));
      List<StartupBench.Figures> figures = new StartupBench(conf, DistJar.locate(ctx.conf), ctx.err).run(sizes, runs);
      List<Map<String, Object>> rows = new ArrayList<>();
      for (StartupBench.Figures f : figures) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("containers", f.containers());
        row.put("psyarnAllRegisteredMs", f.median(f.psyarnAllRegistered()));
        row.put("sleepJobAllMapsStartedMs", f.median(f.sleepAllMapsStarted()));
        row.put("sleepJobAllMapsFinishedMs", f.median(f.sleepAllMapsFinished()));
        row.put("psyarnFinishedMs", f.median(f.psyarnFinished()));
        row.put("sleepJobFinishedMs", f.median(f.sleepFinished()));
        row.put("runs", f);
        rows.add(row);
      }
      if (json) {
        ctx.printJson(rows);
      } else {
        ctx.out.println("medians of " + runs + " runs, ms from submission");
        ctx.out.println("N | psyarn all registered | SleepJob all maps started | all maps finished | ratio (psyarn / maps finished) | psyarn done | SleepJob done");
        for (Map<String, Object> r : rows) {
          long p = (Long) r.get("psyarnAllRegisteredMs");
          long mf = (Long) r.get("sleepJobAllMapsFinishedMs");
          ctx.out.printf(Locale.ROOT, "%d | %d | %d | %d | %.2f | %d | %d%n", r.get("containers"), p,
              r.get("sleepJobAllMapsStartedMs"), mf, (double) p / mf, r.get("psyarnFinishedMs"), r.get("sleepJobFinishedMs"));
        }
      }
      return ExitCodes.OK;
    }
  }
}
