package dev.psyarn.local;

import dev.psyarn.am.JobStatus;
import dev.psyarn.client.JobRunner;
import dev.psyarn.spec.JobSpecParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.SleepJob;
import org.apache.hadoop.mapreduce.TaskReport;
import org.apache.hadoop.mapreduce.TaskType;

/**
 * Time from submission until N containers run, psyarn side by side with MapReduce's own
 * {@code SleepJob} (N maps of 0 ms) on the same local cluster, runs interleaved.
 */
public final class StartupBench {

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

  /** Runs one warm-up of each, then {@code runs} interleaved runs per size. */
  public List<Figures> run(int[] sizes, int runs) throws Exception {
    progress.println("warm-up runs");
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
        + "  server: {instances: " + half + ", memory: 128m}\n"
        + "  worker: {instances: " + (n - half) + ", memory: 128m}\n"
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
