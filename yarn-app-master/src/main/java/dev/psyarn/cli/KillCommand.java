package dev.psyarn.cli;

import dev.psyarn.client.AmControl;
import dev.psyarn.ps.wire.ControlMessages.Kill;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.client.api.YarnClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Kills a job. Its AM is asked first, over its control plane with the owner's application secret:
 * it ends the job as KILLED, stops every container, kills running preprocessing jobs and writes
 * its report. When the AM cannot be asked (not started yet, gone, hung), YARN kills the
 * application instead.
 */
@Command(name = "kill", description = "Kill a job: its AM stops every container and writes its report "
    + "(YARN kills it when the AM cannot be reached).")
final class KillCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Parameters(paramLabel = "APP_ID", description = "The application id.")
  String appId;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "How long to wait for the job to end (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Mixin
  CliContext.Defines defines = new CliContext.Defines();

  KillCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    Configuration conf = new Configuration(ctx.conf);
    defines.applyTo(conf);
    ApplicationId id = YarnCommands.appId(appId);
    Map<String, Object> result = YarnCommands.withYarn(conf, yarn -> kill(conf, yarn, id));
    if (json) {
      ctx.printJson(result);
    } else {
      ctx.out.println(id + " " + result.get("state") + " " + result.get("finalStatus") + " (" + result.get("how") + ")");
    }
    return ExitCodes.OK;
  }

  private Map<String, Object> kill(Configuration conf, YarnClient yarn, ApplicationId id) throws Exception {
    ApplicationReport report = yarn.getApplicationReport(id);
    String how;
    if (report.getFinalApplicationStatus() != FinalApplicationStatus.UNDEFINED) {
      how = "had already ended";
    } else {
      try {
        AmControl.call(conf, report, new Kill(UserGroupInformation.getCurrentUser().getShortUserName()),
            Duration.ofSeconds(10));
        how = "ended by its ApplicationMaster";
      } catch (AmControl.Unreachable e) {
        ctx.err.println("psyarn: " + e.getMessage() + "; asking YARN to kill it");
        yarn.killApplication(id, "killed with psyarn kill");
        how = "killed by YARN";
      } catch (org.apache.hadoop.security.AccessControlException e) {
        // Not the owner, who alone holds the AM's secret. Where YARN enforces ACLs it decides, by the
        // application's MODIFY_APP ACL and its admins (and refuses anyone else, exit 7); where it
        // does not, YARN would let anyone kill it, so psyarn refuses.
        if (!conf.getBoolean(org.apache.hadoop.yarn.conf.YarnConfiguration.YARN_ACL_ENABLE,
            org.apache.hadoop.yarn.conf.YarnConfiguration.DEFAULT_YARN_ACL_ENABLE)) {
          throw e;
        }
        yarn.killApplication(id, "killed with psyarn kill by " + UserGroupInformation.getCurrentUser().getShortUserName());
        how = "killed by YARN";
      }
      report = awaitEnd(yarn, id);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("applicationId", id.toString());
    result.put("state", report.getYarnApplicationState().name());
    result.put("finalStatus", report.getFinalApplicationStatus().name());
    result.put("how", how);
    return result;
  }

  private ApplicationReport awaitEnd(YarnClient yarn, ApplicationId id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    ApplicationReport report = yarn.getApplicationReport(id);
    while (report.getFinalApplicationStatus() == FinalApplicationStatus.UNDEFINED) {
      if (System.nanoTime() > deadline) {
        throw new IOException(id + " was asked to end but is still " + report.getYarnApplicationState() + " after "
            + timeoutSeconds + " s; yarn application -kill " + id + " forces it");
      }
      Thread.sleep(200);
      report = yarn.getApplicationReport(id);
    }
    return report;
  }
}
