package dev.psyarn.local;

import dev.psyarn.am.JobStatus;
import dev.psyarn.client.JobStatusReader;
import dev.psyarn.client.JobSubmitter;
import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.JobSpecParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.YarnClient;

/**
 * How fast a job gets over a killed worker or server, on an embedded cluster: for each run, the
 * job clean, then the same job with {@code role} 1's JVM killed (SIGKILL, by its PID) once worker 1
 * has sent {@code killAt} of what it sent in the clean run. For a server, the workers' links say
 * how long its ranges went unserved (connection lost to the first answer from the successor or
 * the replacement). Measured from the client's view of the AM's
 * live status (polled every 50 ms, in clean runs too): seconds from the kill to the replacement
 * registered, and to the replacement training again (64 KB of pushes past its registration: its
 * data loaded and its resume point found); the replacement's own start (first seen to
 * registered: one container start); and the whole job with the fault over the clean job.
 */
public final class RecoveryBench {

  /** One pair of runs. */
  public record Run(double cleanSeconds, double faultSeconds, double killToRegistered, double killToPushing,
      double replacementStart, String outcome, double outageSeconds, double cleanTrainSeconds) {}

  private static final long POLL_MS = 50;
  /** Bytes a replacement sends past its registration before it counts as training again (real pushes). */
  private static final double PUSHING_BYTES = 64 * 1024;

  private final Configuration conf;
  private final Path jar;
  private final PrintStream progress;

  public RecoveryBench(Configuration conf, Path jar, PrintStream progress) {
    this.conf = conf;
    this.jar = jar;
    this.progress = progress;
  }

  public List<Run> run(String specText, double killAt, int runs) throws Exception {
    return run(specText, killAt, runs, "worker");
  }

  /** As {@link #run(String, double, int)}, killing {@code role} 1 (worker or server). */
  public List<Run> run(String specText, double killAt, int runs, String role) throws Exception {
    JobSpec spec = JobSpecParser.parse(specText);
    List<Run> out = new ArrayList<>();
    try (YarnClient yarn = YarnClient.createYarnClient()) {
      yarn.init(conf);
      yarn.start();
      FileSystem fs = FileSystem.get(conf);
      JobStatusReader reader = new JobStatusReader(conf, fs);
      for (int r = 0; r < runs; r++) {
        ApplicationId cleanId = new JobSubmitter(conf, yarn, fs).submit(spec, specText, jar);
        double clean = timeToEnd(yarn, reader, cleanId, null);
        JobStatus cleanReport = reader.finalReport(yarn.getApplicationReport(cleanId));
        double sent = workerBytesOut(cleanReport);
        double killAfterBytes = killAt * sent;
        progress.printf("run %d of %d: clean job %.1f s; worker 1 sent %.0f MB, %s 1 killed at %.0f MB next%n", r + 1,
            runs, clean, sent / 1e6, role, killAfterBytes / 1e6);
        Map<String, Double> fault = new LinkedHashMap<>();
        ApplicationId id = new JobSubmitter(conf, yarn, fs).submit(spec, specText, jar);
        double faulted = timeToEnd(yarn, reader, id, new Fault(role, killAfterBytes, fault));
        JobStatus faultReport = reader.finalReport(yarn.getApplicationReport(id));
        Run run = new Run(clean, faulted, fault.getOrDefault("killToRegistered", Double.NaN),
            fault.getOrDefault("killToPushing", Double.NaN), fault.getOrDefault("replacementStart", Double.NaN),
            yarn.getApplicationReport(id).getFinalApplicationStatus().name(), outage(faultReport),
            trainSeconds(cleanReport));
        progress.printf("run %d of %d: with a killed %s %.1f s (%s): kill → registered %.2f s, → pushing %.2f s, "
            + "replacement start %.2f s, ranges unserved %.2f s%n", r + 1, runs, role, faulted, run.outcome(),
            run.killToRegistered(), run.killToPushing(), run.replacementStart(), run.outageSeconds());
        out.add(run);
      }
    }
    return out;
  }

  /** One clean run of the job: its training seconds as its app reports them. */
  public double cleanTrainSeconds(String specText) throws Exception {
    JobSpec spec = JobSpecParser.parse(specText);
    try (YarnClient yarn = YarnClient.createYarnClient()) {
      yarn.init(conf);
      yarn.start();
      FileSystem fs = FileSystem.get(conf);
      JobStatusReader reader = new JobStatusReader(conf, fs);
      ApplicationId id = new JobSubmitter(conf, yarn, fs).submit(spec, specText, jar);
      timeToEnd(yarn, reader, id, null);
      return trainSeconds(reader.finalReport(yarn.getApplicationReport(id)));
    }
  }

  private static double workerBytesOut(JobStatus report) throws IOException {
    for (JobStatus.ContainerRow c : report.containers()) {
      if ("worker".equals(c.role()) && c.index() == 1) {
        return c.metrics().getOrDefault("bytesOut", 0.0);
      }
    }
    throw new IOException("the clean run's report has no worker 1");
  }

  /** The longest any worker went without an answer from a lost server's ranges; NaN when none was lost. */
  private static double outage(JobStatus report) {
    double most = Double.NaN;
    for (JobStatus.ContainerRow c : report.containers()) {
      Double s = c.metrics().get("servers.outageSeconds");
      if ("worker".equals(c.role()) && s != null) {
        most = Double.isNaN(most) ? s : Math.max(most, s);
      }
    }
    return most;
  }

  /** The clean job's training seconds as its app reports them; NaN for an app that does not. */
  private static double trainSeconds(JobStatus report) {
    Object s = report.metrics().get("train.seconds");
    return s instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /** Kills {@code role} 1 once worker 1 has sent enough, then times its replacement. */
  private static final class Fault {
    final String role;
    final double afterBytes;
    final Map<String, Double> figures;
    String victim;
    long killedAt;
    long replacementSeen;
    /** The replacement's bytes sent when first seen registered: pushes are what comes after. */
    double bytesAtRegistration = -1;

    Fault(String role, double afterBytes, Map<String, Double> figures) {
      this.role = role;
      this.afterBytes = afterBytes;
      this.figures = figures;
    }

    void observe(JobStatus status, long now) throws IOException {
      double workerSent = 0;
      for (JobStatus.ContainerRow c : status.containers()) {
        if ("worker".equals(c.role()) && c.index() == 1 && "REGISTERED".equals(c.state())) {
          workerSent = c.metrics().getOrDefault("bytesOut", 0.0);
        }
      }
      for (JobStatus.ContainerRow c : status.containers()) {
        if (!role.equals(c.role()) || c.index() != 1) {
          continue;
        }
        if (victim == null && "REGISTERED".equals(c.state()) && workerSent > afterBytes) {
          OptionalLong pid = ContainerProcesses.pidOf(c.id());
          if (pid.isPresent()) {
            victim = c.id();
            killedAt = now;
            ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroyForcibly);
          }
        } else if (victim != null && !c.id().equals(victim)) {
          if (replacementSeen == 0) {
            replacementSeen = now;
          }
          if ("REGISTERED".equals(c.state()) || "FINISHED".equals(c.state())) {
            figures.putIfAbsent("killToRegistered", (now - killedAt) / 1e9);
            figures.putIfAbsent("replacementStart", (now - replacementSeen) / 1e9);
            double sent = c.metrics().getOrDefault("bytesOut", 0.0);
            if (bytesAtRegistration < 0) {
              bytesAtRegistration = sent;
            } else if (sent - bytesAtRegistration > PUSHING_BYTES) {
              figures.putIfAbsent("killToPushing", (now - killedAt) / 1e9);
            }
          }
        }
      }
    }
  }

  private double timeToEnd(YarnClient yarn, JobStatusReader reader, ApplicationId id, Fault fault) throws Exception {
    long start = System.nanoTime();
    while (true) {
      ApplicationReport report = yarn.getApplicationReport(id);
      if (report.getFinalApplicationStatus() != FinalApplicationStatus.UNDEFINED) {
        if (report.getFinalApplicationStatus() != FinalApplicationStatus.SUCCEEDED) {
          throw new IOException(id + " ended " + report.getFinalApplicationStatus() + ": " + report.getDiagnostics());
        }
        return (System.nanoTime() - start) / 1e9;
      }
      // Clean runs poll the live status too, so both put the same load on the AM.
      var live = reader.live(report);
      if (fault != null && live.isPresent()) {
        fault.observe(live.get(), System.nanoTime());
      }
      Thread.sleep(POLL_MS);
    }
  }
}
