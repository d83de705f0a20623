package dev.psyarn.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "kill", description = "Kill a job; its containers are stopped by YARN.")
final class KillCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Parameters(paramLabel = "APP_ID", description = "The application id.")
  String appId;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

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
    ApplicationReport report = YarnCommands.withYarn(conf, yarn -> {
      yarn.killApplication(id, "killed with psyarn kill");
      return yarn.getApplicationReport(id);
    });
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("applicationId", id.toString());
    result.put("state", report.getYarnApplicationState().name());
    result.put("finalStatus", report.getFinalApplicationStatus().name());
    if (json) {
      ctx.printJson(result);
    } else {
      ctx.out.println(id + " " + report.getYarnApplicationState());
    }
    return ExitCodes.OK;
  }
}
