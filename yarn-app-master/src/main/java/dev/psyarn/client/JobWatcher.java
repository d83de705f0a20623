package dev.psyarn.client;

import dev.psyarn.PsyarnConfig;
import java.io.IOException;
import java.util.EnumSet;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.exceptions.YarnException;

/**
 * Follows an application until YARN says it has ended, telling the caller of every change of
 * state or progress. YARN offers no push, so this polls the ResourceManager.
 */
public final class JobWatcher {

  private static final EnumSet<YarnApplicationState> ENDED =
      EnumSet.of(YarnApplicationState.FINISHED, YarnApplicationState.FAILED, YarnApplicationState.KILLED);

  private final YarnClient yarn;
  private final long pollMs;

  public JobWatcher(Configuration conf, YarnClient yarn) {
    this.yarn = yarn;
    this.pollMs = conf.getInt(PsyarnConfig.CLIENT_POLL_MS, PsyarnConfig.CLIENT_POLL_MS_DEFAULT);
  }

  /** Blocks until the application has ended; returns its final report. */
  public ApplicationReport await(ApplicationId id, Consumer<ApplicationReport> onChange)
      throws IOException, YarnException, InterruptedException {
    String last = "";
    while (true) {
      ApplicationReport report = yarn.getApplicationReport(id);
      String now = report.getYarnApplicationState() + "/" + Math.round(report.getProgress() * 100);
      if (!now.equals(last)) {
        onChange.accept(report);
        last = now;
      }
      if (ENDED.contains(report.getYarnApplicationState())) {
        return report;
      }
      Thread.sleep(pollMs);
    }
  }

  /** The CLI's exit code for an ended application. */
  public static int exitCode(ApplicationReport report) {
    return switch (report.getFinalApplicationStatus()) {
      case SUCCEEDED -> dev.psyarn.cli.ExitCodes.OK;
      case KILLED -> dev.psyarn.cli.ExitCodes.JOB_KILLED;
      default -> report.getYarnApplicationState() == YarnApplicationState.KILLED
          ? dev.psyarn.cli.ExitCodes.JOB_KILLED : dev.psyarn.cli.ExitCodes.JOB_FAILED;
    };
  }
}
