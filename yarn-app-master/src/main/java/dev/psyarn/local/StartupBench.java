package dev.psyarn.local;

import dev.psyarn.PsyarnConfig;
import dev.psyarn.am.JobStatus;
import dev.psyarn.client.JobRunner;
import dev.psyarn.spec.JobSpecParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.SleepJob;
import org.apache.hadoop.mapreduce.TaskReport;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * Time from submission until N containers run, psyarn side by side with MapReduce's own
 * {@code SleepJob} (N maps of 0 ms) on the same local cluster, runs interleaved, both with the
 * settings of the reference program ({@code ../shared/peers/run.sh SleepJobBench N}):
 * {@link #REFERENCE_SETTINGS}.
 */
public final class StartupBench {

  /** The reference program's JVM flags for short-lived JVMs; psyarn's AM and containers get them too. */
  static final String FAST_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
  private static final String FAST_JVM_YAML = "[\"" + String.join("\", \"", FAST_JVM.split(" ")) + "\"]";

  /**
   * The reference program's cluster and job settings (100 ms NodeManager heartbeats, the MapReduce
   * AM's 200 ms heartbeat to the RM, 100 ms client polls, small heaps, {@link #FAST_JVM}, no uber
   * tasks, quick kills), and the same for psyarn where it has them: its AM's heartbeat to the RM and
   * its AM's JVM flags.
   */
  public static final Map<String, String> REFERENCE_SETTINGS = Map.ofEntries(
      Map.entry(YarnConfiguration.RM_NM_HEARTBEAT_INTERVAL_MS, "100"),
      Map.entry("yarn.app.mapreduce.am.scheduler.heartbeat.interval-ms", "200"),
      Map.entry("mapreduce.client.completion.pollinterval", "100"),
      Map.entry("mapreduce.jobclient.progress.monitor.poll.interval", "100"),
      Map.entry("yarn.app.mapreduce.am.resource.mb", "512"),
      Map.entry("yarn.app.mapreduce.am.command-opts",
          "-Xmx384m " + FAST_JVM + " --add-opens=java.base/java.lang=ALL-UNNAMED"),
      Map.entry("mapreduce.map.memory.mb", "256"),
      Map.entry("mapreduce.map.java.opts", "-Xmx200m " + FAST_JVM),
      Map.entry("mapreduce.job.ubertask.enable", "false"),
      Map.entry(YarnConfiguration.NM_SLEEP_DELAY_BEFORE_SIGKILL_MS, "100"),
      Map.entry(YarnConfiguration.NM_PROCESS_KILL_WAIT_MS, "500"),
      Map.entry(PsyarnConfig.AM_RM_HEARTBEAT_MS, "200"),
      Map.entry(PsyarnConfig.AM_JAVA_OPTS, FAST_JVM));

  /**
   * The figures of one size, each a list over runs, in ms from submission.
   *
   * @param containers N: psyarn runs N/2 servers and N/2 workers, SleepJob N maps
   * @param psyarnAllRegistered until all N psyarn containers registered with the AM
   * @param psyarnFinished until the psyarn AM finished
   * @param sleepAllMapsStarted until the last map attempt was launched
   * @param sleepAllMapsFinished until the last map finished (its JVM ran)
   * @param sleepFinished until the SleepJob completed
   */
  public record Figures(int containers, List<Long> psyarnAllRegistered, List<Long> psyarnFinished,
      List<Long> sleepAllMapsStarted, List<Long> sleepAllMapsFinished, List<Long> sleepFinished) {

    public long median(List<Long> runs) {
      List<Long> sorted = new ArrayList<>(runs);
      sorted.sort(null);
      return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }
  }

  private final Configuration conf;
  private final Path jar;
  private final PrintStream progress;

  public StartupBench(Configuration conf, Path jar, PrintStream progress) {
    this.conf = conf;
    this.jar = jar;
    this.progress = progress;
  }

  /**
   * Runs the warm-ups (psyarn twice: on a node without them, the first job's JVMs record the classes
   * they load and the second's make the class data sharing archives), then {@code runs} interleaved
   * runs per size.
   */
  public List<Figures> run(int[] sizes, int runs) throws Exception {
    progress.println("warm-up runs");
    psyarn(2);
    psyarn(2);
    sleepJob(2);
    List<Figures> out = new ArrayList<>();
    for (int n : sizes) {
      Figures f = new Figures(n, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
          new ArrayList<>());
      for (int r = 0; r < runs; r++) {
        long[] p = psyarn(n);
        f.psyarnAllRegistered().add(p[0]);
        f.psyarnFinished().add(p[1]);
        long[] s = sleepJob(n);
        f.sleepAllMapsStarted().add(s[0]);
        f.sleepAllMapsFinished().add(s[1]);
        f.sleepFinished().add(s[2]);
        progress.printf(Locale.ROOT, "N=%d run %d: psyarn all registered %d ms, finished %d ms; "
            + "SleepJob all maps started %d ms, finished %d ms, job done %d ms%n", n, r + 1, p[0], p[1], s[0], s[1], s[2]);
      }
      out.add(f);
    }
    return out;
  }

  private long[] psyarn(int n) throws Exception {
    int half = Math.max(1, n / 2);
    String spec = "name: startup-bench-" + n + "\n"
        + "am: {memory: 384m}\n"
        + "roles:\n"
        + "  server: {instances: " + half + ", memory: 128m, jvmOptions: " + FAST_JVM_YAML + "}\n"
        + "  worker: {instances: " + (n - half) + ", memory: 128m, jvmOptions: " + FAST_JVM_YAML + "}\n"
        + "app: {type: counter, keys: 16, rounds: 1}\n";
    JobStatus report = JobRunner.runToEnd(conf, JobSpecParser.parse(spec), spec, jar);
    return new long[] {report.timings().get("allRegisteredMs"), report.timings().get("finishedMs")};
  }

  private long[] sleepJob(int n) throws Exception {
    SleepJob sleep = new SleepJob();
    sleep.setConf(new Configuration(conf));
    Job job = sleep.createJob(n, 0, 0, 1, 0, 0);
    long t0 = System.currentTimeMillis();
    if (!job.waitForCompletion(false)) {
      throw new IOException("SleepJob " + job.getJobID() + " failed");
    }
    long done = System.currentTimeMillis() - t0;
    long started = 0;
    long finished = 0;
    for (TaskReport map : job.getTaskReports(TaskType.MAP)) {
      started = Math.max(started, map.getStartTime() - t0);
      finished = Math.max(finished, map.getFinishTime() - t0);
    }
    return new long[] {started, finished, done};
  }
}
