package dev.psyarn.cli;

import dev.psyarn.am.JobStatus;
import dev.psyarn.client.JobStatusReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", description = "Show a job's state, containers and metrics.")
final class StatusCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Parameters(paramLabel = "APP_ID", description = "The application id.")
  String appId;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Mixin
  CliContext.Defines defines = new CliContext.Defines();

  StatusCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    Configuration conf = new Configuration(ctx.conf);
    defines.applyTo(conf);
    Map<String, Object> status = YarnCommands.withYarn(conf, yarn -> {
      ApplicationReport report = yarn.getApplicationReport(YarnCommands.appId(appId));
      return describe(report, new JobStatusReader(conf, FileSystem.get(conf)).current(report).orElse(null));
    });
    if (json) {
      ctx.printJson(status);
    } else {
      status.forEach((k, v) -> {
        if (!"job".equals(k)) {
          ctx.out.printf("%-14s %s%n", k, v);
        }
      });
      if (status.get("job") instanceof JobStatus job) {
        JobRun.print(ctx, job);
      }
    }
    return ExitCodes.OK;
  }

  static Map<String, Object> describe(ApplicationReport r, JobStatus job) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("applicationId", r.getApplicationId().toString());
    m.put("name", r.getName());
    m.put("type", r.getApplicationType());
    m.put("user", r.getUser());
    m.put("queue", r.getQueue());
    m.put("state", r.getYarnApplicationState().name());
    m.put("finalStatus", r.getFinalApplicationStatus().name());
    m.put("progress", r.getProgress());
    m.put("trackingUrl", r.getTrackingUrl());
    m.put("tags", r.getApplicationTags());
    m.put("diagnostics", r.getDiagnostics());
    m.put("job", job);
    return m;
  }
}
