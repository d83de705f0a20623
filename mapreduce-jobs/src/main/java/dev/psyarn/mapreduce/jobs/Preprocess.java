package dev.psyarn.mapreduce.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import dev.psyarn.mapreduce.preprocess.RowReadSupport;
import dev.psyarn.mapreduce.shard.ShardFormat;
import dev.psyarn.runtime.HdfsCloseWait;
import dev.psyarn.specs.SpecException;
import dev.psyarn.specs.SpecNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.Counters;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.InputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.hadoop.mapreduce.lib.output.FileOutputFormat;
import org.apache.hadoop.mapreduce.lib.output.TextOutputFormat;
import org.apache.hadoop.mapreduce.lib.reduce.LongSumReducer;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;
import org.apache.parquet.hadoop.ParquetInputFormat;

/**
 * The preprocessing stage: the statistics job (feature counts, label balance, bad records), then
 * the shard job (N balanced shards of each split, written by its map tasks); where the shards need nothing from
 * the statistics (hashing, no count filter) one job does both in one pass ({@link #onePass}).
 * Runnable alone as a Hadoop
 * {@link Tool}:
 *
 * <pre>yarn jar psyarn.jar dev.psyarn.mapreduce.jobs.Preprocess SPEC.yaml OUTPUT_DIR SHARDS</pre>
 *
 * where SPEC.yaml is a job spec with a {@code preprocess} section, or the section alone. Output:
 * {@code OUTPUT_DIR/stats/part-r-*} ({@code feature<TAB>count} over the training rows),
 * {@code OUTPUT_DIR/shards/{train,test}-0000i.shard} (and {@code .part-0000p.shard}, the other map
 * tasks' parts of the shard: {@link ShardFormat#parts}) and {@code OUTPUT_DIR/preprocess.json}.
 */
public final class Preprocess extends Configured implements Tool {

  /** Hears of each job's progress while it runs. */
  @FunctionalInterface
  public interface Listener {
    /** {@code reduce} is NaN for a job without reducers (the shard job: its maps write the shards). */
    void progress(String job, String jobId, float map, float reduce);
  }

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final String STATS = "stats";
  /**
   * The jobs' jar when it is already on the cluster's file system (the AM's own {@code psyarn.jar}):
   * MapReduce then localizes it from there instead of the client uploading a copy for every job.
   */
  public static final String JOB_JAR = "psyarn.preprocess.job-jar";
  /** The shard directory under the output. */
  public static final String SHARDS = "shards";
  static final String FRAMEWORK = "mapreduce.framework.name";
  /** How many map tasks MapReduce's LocalJobRunner runs side by side. */
  static final String LOCAL_MAPS = "mapreduce.local.map.tasks.maximum";
  static final String SORT_MB = "mapreduce.task.io.sort.mb";

  /** What to run: both jobs, or one of them (the Tools {@link StatsJob} and {@link ShardJob}). */
  public enum Stage { ALL, STATS, SHARD }

  private final Stage stage;

  public Preprocess() {
    this(Stage.ALL);
  }

  /** A Tool that runs one stage (or both jobs). */
  public Preprocess(Stage stage) {
    this.stage = stage;
  }

  public static void main(String[] args) throws Exception {
    System.exit(ToolRunner.run(new Preprocess(), args));
  }

  @Override
  public int run(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: " + switch (stage) {
        case ALL -> "Preprocess";
        case STATS -> "StatsJob";
        case SHARD -> "ShardJob";
      } + " SPEC.yaml OUTPUT_DIR SHARDS");
      return 2;
    }
    Configuration conf = HdfsCloseWait.apply(getConf());
    PreprocessSpec spec;
    int shards;
    try {
      spec = readSpec(conf, new Path(args[0]));
      shards = Integer.parseInt(args[2]);
      if (shards < 1) {
        throw new NumberFormatException();
      }
    } catch (SpecException e) {
      System.err.println("psyarn: invalid spec " + args[0] + ": " + e.getMessage());
      return 3;
    } catch (NumberFormatException e) {
      System.err.println("psyarn: SHARDS must be a whole number of 1 or more, got \"" + args[2] + "\"");
      return 2;
    }
    try {
      // A line when a job's progress moves by a whole percent: a job in this process is asked every 50 ms.
      String[] last = {""};
      PreprocessReport report = run(conf, spec, new Path(args[1]), shards, (job, id, map, reduce) -> {
        String line = String.format(java.util.Locale.ROOT, "%s %s: map %3.0f%%%s", job, id, map * 100,
            Float.isNaN(reduce) ? "" : String.format(java.util.Locale.ROOT, " reduce %3.0f%%", reduce * 100));
        if (!line.equals(last[0])) {
          System.err.println(line);
          last[0] = line;
        }
      }, stage);
      System.out.println(JSON.writeValueAsString(report.toMap()));
      return 0;
    } catch (PreprocessException e) {
      System.err.println("psyarn: preprocessing failed: " + e.getMessage());
      return 1;
    }
  }

  /**
   * A configuration that runs the stage's jobs inside this process, by MapReduce's own LocalJobRunner:
   * no MapReduce AM or task JVM to start, {@code threads} map tasks side by side (the input is cut into
   * that many splits unless the spec's {@code splitMb} says otherwise), their local files and the
   * jobs' staging under {@code workDir} (a local directory). Input and output stay on the cluster's
   * file system, and the jobs are the same jobs: counters, bad records, the committer's output.
   */
  public static Configuration inProcess(Configuration conf, int threads, String workDir) {
    Configuration c = new Configuration(conf);
    c.set(FRAMEWORK, "local");
    c.setInt(LOCAL_MAPS, Math.max(1, threads));
    c.set("mapreduce.cluster.local.dir", new java.io.File(workDir, "local").getAbsolutePath());
    c.set("mapreduce.jobtracker.staging.root.dir", new java.io.File(workDir, "staging").getAbsolutePath());
    // The job's local files (its staging files, the LocalJobRunner's job directory) with their
    // permissions set in this process, not by a chmod process each (NioLocalFileSystem); instances of
    // its own, not the cached local file system this JVM may have made before without it.
    c.setClass("fs.file.impl", NioLocalFileSystem.class, org.apache.hadoop.fs.FileSystem.class);
    c.setBoolean("fs.file.impl.disable.cache", true);
    // The statistics job's map output buffers share this heap: a quarter of it at most, over the tasks.
    long sortMb = Math.max(16, Runtime.getRuntime().maxMemory() / 4 / Math.max(1, threads) >> 20);
    c.setInt(SORT_MB, (int) Math.min(c.getInt(SORT_MB, 100), sortMb));
    // The tasks' progress twice a second: at MapReduce's default a LocalJobRunner map of several
    // seconds reports 0% until it ends, and the AM asks for the workers once the stage is far along.
    c.setLong(PROGRESS_REPORT_MS, Math.min(c.getLong(PROGRESS_REPORT_MS, 3000), 500));
    return c;
  }

  /**
   * The heap a JVM needs to run the jobs of {@code inputBytes} of input in process: 128 MiB of its own
   * and 4 bytes a byte of input for the map tasks (their row groups, counts and shard buffers).
   */
  public static long inProcessHeapBytes(long inputBytes) {
    return (128L << 20) + 4 * inputBytes;
  }

  /** How often a task reports its progress (ms). */
  static final String PROGRESS_REPORT_MS = "mapreduce.task.progress-report.interval";

  /** Whether {@code conf} runs the jobs in this process ({@link #inProcess(Configuration, int, String)}). */
  public static boolean inProcess(Configuration conf) {
    return "local".equals(conf.get(FRAMEWORK));
  }

  /** The bytes of the spec's input files (what its map tasks read). */
  public static long inputBytes(Configuration conf, PreprocessSpec spec) throws IOException, PreprocessException {
    return bytes(PreprocessInput.files(conf, new Path(spec.input())));
  }

  private static long bytes(FileStatus[] files) {
    long bytes = 0;
    for (FileStatus f : files) {
      bytes += f.getLen();
    }
    return bytes;
  }

  /** Reads a spec file: a whole job spec (its {@code preprocess} section) or the section alone. */
  public static PreprocessSpec readSpec(Configuration conf, Path file) throws IOException {
    JsonNode tree;
    try (var in = file.getFileSystem(conf).open(file)) {
      tree = new ObjectMapper(new YAMLFactory()).readTree(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SpecException("", "not valid YAML: " + e.getOriginalMessage());
    }
    if (tree != null && tree.has("preprocess")) {
      return PreprocessSpec.read(SpecNode.root(tree).object("preprocess"));
    }
    return PreprocessSpec.read(SpecNode.root(tree));
  }

  /**
   * Runs both jobs into {@code output} (which must not exist) and returns the report, also
   * written to {@code output/preprocess.json}.
   */
  public static PreprocessReport run(Configuration conf, PreprocessSpec spec, Path output, int shards,
      Listener listener) throws IOException, InterruptedException, PreprocessException {
    return run(conf, spec, output, shards, listener, Stage.ALL);
  }

  /**
   * Runs both jobs, or one: STATS writes {@code output/stats} (output must not exist), SHARD
   * writes {@code output/shards} from an existing {@code output/stats} where the spec needs it.
   * The report goes to {@code output/preprocess.json} ({@code stats.json}, {@code shards.json}).
   */
  public static PreprocessReport run(Configuration conf, PreprocessSpec spec, Path output, int shards,
      Listener listener, Stage stage) throws IOException, InterruptedException, PreprocessException {
    try {
      ShardParts.packetKb(conf);
    } catch (IllegalArgumentException e) {
      throw new PreprocessException(null, e.getMessage());
    }
    FileSystem outFs = output.getFileSystem(conf);
    Path target = stage == Stage.SHARD ? new Path(output, SHARDS) : output;
    if (outFs.exists(target)) {
      throw new PreprocessException(null, "the output " + target + " exists; remove it or choose another");
    }
    Path input = new Path(spec.input());
    FileStatus[] files = PreprocessInput.files(conf, input);
    List<String> columns = PreprocessInput.checkColumns(conf, spec, files);
    Map<String, Object> figures = new LinkedHashMap<>();
    List<Map<String, Object>> jobs = new ArrayList<>();
    long start = System.nanoTime();
    long inputBytes = bytes(files);
    if (onePass(spec, stage)) {
      return onePass(conf, spec, input, columns, output, shards, listener, start, inputBytes);
    }

    Job stats = job(conf, spec, "stats", input, columns, output, inputBytes);
    stats.setMapperClass(StatsMapper.class);
    stats.setCombinerClass(LongSumReducer.class);
    stats.setReducerClass(StatsReducer.class);
    stats.setNumReduceTasks(1);
    stats.setMapOutputKeyClass(Text.class);
    stats.setMapOutputValueClass(LongWritable.class);
    stats.setOutputKeyClass(Text.class);
    stats.setOutputValueClass(LongWritable.class);
    stats.setOutputFormatClass(TextOutputFormat.class);
    stats.getConfiguration().setInt(StatsJob.MIN_COUNT, spec.minCount());
    FileOutputFormat.setOutputPath(stats, new Path(output, STATS));
    long kept = -1;
    if (stage != Stage.SHARD) {
      JobWatch.submit(stats, "stats");
      Counters c = JobWatch.await(stats, "stats", listener, jobs, start);
      kept = c.findCounter(PreprocessCounters.FEATURES_KEPT).getValue();
      statsFigures(spec, c, c.findCounter(PreprocessCounters.FEATURES_DISTINCT).getValue(), kept, figures);
      check(conf, spec, input, output, stats.getJobID().toString(), "stats", figures);
    }
    if (spec.encoding().dictionary() && kept < 0) {
      try {
        kept = Dictionary.load(conf, new Path(output, STATS), spec).size();
      } catch (IOException e) {
        throw new PreprocessException(null, e.getMessage());
      }
    }
    long keySpace = spec.encoding().dictionary() ? Math.max(1, kept) : spec.hashSpace();
    if (stage == Stage.STATS) {
      figures.put("seconds", (System.nanoTime() - start) / 1e9);
      return write(outFs, new PreprocessReport(output.toString(), null, keySpace, figures, jobs), output, "stats.json");
    }
    Job shard = shardJob(conf, spec, input, columns, output, shards, keySpace, inputBytes);
    JobWatch.submit(shard, "shard");
    Counters s = JobWatch.await(shard, "shard", listener, jobs, start);
    figures.put("rowsWrittenTrain", s.findCounter(PreprocessCounters.ROWS_WRITTEN_TRAIN).getValue());
    figures.put("rowsWrittenTest", s.findCounter(PreprocessCounters.ROWS_WRITTEN_TEST).getValue());
    figures.put("shardCount", shards);
    figures.put("seconds", (System.nanoTime() - start) / 1e9);

    return write(outFs, new PreprocessReport(output.toString(), new Path(output, SHARDS).toString(), keySpace,
        figures, jobs), output, stage == Stage.SHARD ? "shards.json" : "preprocess.json");
  }

  /**
   * Whether the stage is one job: with hashing and no count filter the shards need nothing from
   * the statistics, so the shard job also counts the features, in the same pass over the input
   * (one featurization, one set of task JVMs and one MapReduce AM instead of two).
   */
  static boolean onePass(PreprocessSpec spec, Stage stage) {
    return stage == Stage.ALL && !spec.encoding().dictionary() && spec.minCount() <= 1;
  }

  /** The MapReduce jobs the stage runs for {@code spec}, in order (for the overall progress). */
  public static List<String> jobNames(PreprocessSpec spec) {
    return onePass(spec, Stage.ALL) ? List.of("shard") : List.of("stats", "shard");
  }

  private static PreprocessReport onePass(Configuration conf, PreprocessSpec spec, Path input, List<String> columns,
      Path output, int shards, Listener listener, long start, long inputBytes)
      throws IOException, InterruptedException, PreprocessException {
    Job shard = shardJob(conf, spec, input, columns, output, shards, spec.hashSpace(), inputBytes);
    shard.getConfiguration().setBoolean(PreprocessConf.COUNT_FEATURES, true);
    shard.getConfiguration().set(PreprocessConf.BAD_DIR, new Path(output, "bad-records").toString());
    JobWatch.submit(shard, "shard");
    List<Map<String, Object>> jobs = new ArrayList<>();
    Counters c = JobWatch.await(shard, "shard", listener, jobs, start);
    long mergeStart = System.nanoTime();
    long[] merged;
    try {
      merged = FeatureCounts.merge(conf, new Path(output, SHARDS), new Path(new Path(output, STATS), "part-r-00000"),
          spec.minCount());
    } catch (IOException e) {
      throw new PreprocessException(shard.getJobID().toString(), "merging the map tasks' feature counts: " + e);
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    statsFigures(spec, c, merged[0], merged[1], figures);
    figures.put("countsMergeSeconds", (System.nanoTime() - mergeStart) / 1e9);
    check(conf, spec, input, output, shard.getJobID().toString(), "shard", figures);
    figures.put("rowsWrittenTrain", c.findCounter(PreprocessCounters.ROWS_WRITTEN_TRAIN).getValue());
    figures.put("rowsWrittenTest", c.findCounter(PreprocessCounters.ROWS_WRITTEN_TEST).getValue());
    figures.put("shardCount", shards);
    figures.put("seconds", (System.nanoTime() - start) / 1e9);
    FileSystem fs = output.getFileSystem(conf);
    return write(fs, new PreprocessReport(output.toString(), new Path(output, SHARDS).toString(), spec.hashSpace(),
        figures, jobs), output, "preprocess.json");
  }

  private static void statsFigures(PreprocessSpec spec, Counters c, long distinct, long kept,
      Map<String, Object> figures) {
    figures.put("rowsRead", c.findCounter(PreprocessCounters.ROWS_READ).getValue());
    figures.put("badRecords", c.findCounter(PreprocessCounters.BAD_RECORDS).getValue());
    figures.put("trainRows", c.findCounter(PreprocessCounters.TRAIN_ROWS).getValue());
    figures.put("trainPositives", c.findCounter(PreprocessCounters.TRAIN_POSITIVES).getValue());
    figures.put("testRows", c.findCounter(PreprocessCounters.TEST_ROWS).getValue());
    figures.put("testPositives", c.findCounter(PreprocessCounters.TEST_POSITIVES).getValue());
    figures.put("featuresDistinct", distinct);
    figures.put("featuresKept", kept);
    figures.put("minCount", spec.minCount());
    figures.put("encoding", spec.encoding().dictionary() ? "dictionary" : "hash(" + spec.encoding().bits() + " bits)");
  }

  /** Fails the stage on an empty input, or on more bad records than the spec allows. */
  private static void check(Configuration conf, PreprocessSpec spec, Path input, Path output, String jobId, String name,
      Map<String, Object> figures) throws IOException, PreprocessException {
    long read = (Long) figures.get("rowsRead");
    long bad = (Long) figures.get("badRecords");
    if (read == 0) {
      throw new PreprocessException(jobId, "the input " + input + " holds no records");
    }
    if (bad > spec.maxBadFraction() * read) {
      throw new PreprocessException(jobId, String.format(
          "MapReduce job %s (%s) found %d of %d records (%.4f%%) bad, more than preprocess.maxBadFraction %s "
          + "allows; fix or remove them, or raise the fraction. First ones:%n%s",
          jobId, name, bad, read, 100.0 * bad / read, spec.maxBadFraction(),
          samples(conf, new Path(output, "bad-records"))));
    }
  }

  private static PreprocessReport write(FileSystem fs, PreprocessReport report, Path output, String name)
      throws IOException {
    try (var out = fs.create(new Path(output, name))) {
      out.write(JSON.writeValueAsBytes(report.toMap()));
    }
    return report;
  }

  /** The shard file of a split for one worker, under a shard directory. */
  public static Path shardFile(Path shards, byte split, int shard) {
    return new Path(shards, ShardFormat.fileName(split, shard));
  }

  private static Job job(Configuration base, PreprocessSpec spec, String name, Path input, List<String> columns,
      Path output, long inputBytes) throws IOException {
    // The tasks' HDFS clients close their shards and counts without HDFS's first wait of 400 ms
    // (HdfsCloseWait), unless the configuration sets it.
    Job job = Job.getInstance(HdfsCloseWait.apply(new Configuration(base)), "psyarn " + name + ": " + input.getName());
    boolean inProcess = inProcess(base);
    String jar = base.get(JOB_JAR, "");
    if (inProcess) {
      // The tasks run on this process's classes: no jar to stage.
    } else if (jar.isEmpty()) {
      job.setJarByClass(Preprocess.class);
    } else {
      job.setJar(jar);
    }
    Configuration conf = job.getConfiguration();
    conf.set(PreprocessConf.SPEC, spec.json());
    conf.setStrings(PreprocessConf.COLUMNS, columns.toArray(new String[0]));
    conf.set(PreprocessConf.BAD_DIR, new Path(output, "bad-records").toString());
    conf.setBoolean("mapreduce.map.speculative", false);
    conf.setBoolean("mapreduce.reduce.speculative", false);
    if (spec.runtime() != null) {
      // The tasks run in the spec's runtime: YARN reads it from each task's environment
      // (mapreduce.*.env.NAME takes values with commas, such as mount lists).
      Map<String, String> env = new LinkedHashMap<>(spec.runtime().environment());
      if (spec.runtime().javaHome() != null) {
        env.put("JAVA_HOME", spec.runtime().javaHome());
      }
      env.forEach((k, v) -> {
        conf.set("mapreduce.map.env." + k, v);
        conf.set("mapreduce.reduce.env." + k, v);
      });
    }
    if (spec.splitMb() > 0) {
      conf.setLong(FileInputFormat.SPLIT_MAXSIZE, spec.splitMb() * 1024L * 1024L);
    } else if (inProcess) {
      splitForThreads(conf, inputBytes);
    }
    if (!inProcess) {
      ClusterJobSettings.smallJobsInTheirAm(conf, spec);
      ClusterJobSettings.mapJvmFlags(conf);
      ClusterJobSettings.amJvmFlags(conf);
    }
    FileInputFormat.addInputPath(job, input);
    job.setInputFormatClass(RowInput.class);
    if (spec.format().type().equals("parquet")) {
      job.getConfiguration().setClass(RowInput.FORMAT, ParquetInputFormat.class, InputFormat.class);
      ParquetInputFormat.setReadSupportClass(job, RowReadSupport.class);
      job.getConfiguration().setStrings(RowReadSupport.COLUMNS, spec.columns().toArray(new String[0]));
    } else {
      job.getConfiguration().setClass(RowInput.FORMAT, TextInputFormat.class, InputFormat.class);
    }
    return job;
  }

  /**
   * Jobs in this process: as many splits as map tasks run side by side (a Parquet split holds whole
   * row groups), and at least that large too. In one JVM a file system's blocks (32 MB for a local
   * file, 128 MB on HDFS) buy no locality, and splits a block each would run in waves, the last
   * with a core idle (30 M flights rows, 134 MB on two threads: 4 splits took 72 s, 2 took 63 s).
   */
  static void splitForThreads(Configuration conf, long inputBytes) {
    int threads = conf.getInt(LOCAL_MAPS, 1);
    if (threads > 1 && inputBytes > 0) {
      long split = Math.max(1, (inputBytes + threads - 1) / threads);
      conf.setLong(FileInputFormat.SPLIT_MAXSIZE, split);
      conf.setLong(FileInputFormat.SPLIT_MINSIZE, split);
    }
  }

  /** The shard job for {@code spec}, not submitted (a test reads its configuration). */
  static Job shardJob(Configuration conf, PreprocessSpec spec, Path input, List<String> columns, Path output,
      int shards, long keySpace, long inputBytes) throws IOException {
    Job shard = job(conf, spec, "shard", input, columns, output, inputBytes);
    Configuration c = shard.getConfiguration();
    c.set(PreprocessConf.STATS_DIR, new Path(output, STATS).toString());
    c.setLong(PreprocessConf.KEY_SPACE, keySpace);
    c.unset(PreprocessConf.BAD_DIR);
    c.setInt(PreprocessConf.SHARDS, shards);
    shard.setMapperClass(ShardMapper.class);
    // No reducers: each map task writes its part of every shard, in the order it reads (the apps
    // shuffle in memory), so no row is sorted, spilled to disk, shuffled or written twice.
    shard.setNumReduceTasks(0);
    shard.setOutputKeyClass(NullWritable.class);
    shard.setOutputValueClass(NullWritable.class);
    shard.setOutputFormatClass(ShardOutputFormat.class);
    FileOutputFormat.setOutputPath(shard, new Path(output, SHARDS));
    return shard;
  }

  private static String samples(Configuration conf, Path dir) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    List<String> lines = new ArrayList<>();
    if (fs.exists(dir)) {
      for (FileStatus f : fs.listStatus(dir)) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(f.getPath()), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null && lines.size() < 5; line = in.readLine()) {
            lines.add("  " + line);
          }
        }
      }
    }
    return String.join("\n", lines);
  }
}
