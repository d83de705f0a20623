package dev.psyarn.client;

import dev.psyarn.am.JobStatus;
import dev.psyarn.spec.JobSpec;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.exceptions.YarnException;

/** Submits a job, waits for its end and returns its run report, silently: for benchmarks. */
public final class JobRunner {

  private JobRunner() {}

  /**
   * Runs the job to its end.
   *
   * @throws IOException if it did not succeed (with YARN's diagnostics) or left no report
   */
  public static JobStatus runToEnd(Configuration conf, JobSpec spec, String specText, Path jar)
      throws IOException, YarnException, InterruptedException {
    try (YarnClient yarn = YarnClient.createYarnClient()) {
      yarn.init(conf);
      yarn.start();
      FileSystem fs = FileSystem.get(conf);
      ApplicationId id = new JobSubmitter(conf, yarn, fs).submit(spec, specText, jar);
      ApplicationReport end = new JobWatcher(conf, yarn).await(id, r -> { });
      if (end.getFinalApplicationStatus() != FinalApplicationStatus.SUCCEEDED) {
        throw new IOException(id + " did not succeed: " + end.getDiagnostics());
      }
      return new JobStatusReader(conf, fs).finished(end).orElseThrow(() -> new IOException("no report for " + id));
    }
  }
}
