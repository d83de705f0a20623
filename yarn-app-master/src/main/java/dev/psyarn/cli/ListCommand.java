package dev.psyarn.cli;

import dev.psyarn.client.JobSubmitter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "List psyarn applications (running ones unless --all).")
final class ListCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Option(names = "--all", description = "Include finished, failed and killed applications.")
  boolean all;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Mixin
  CliContext.Defines defines = new CliContext.Defines();

  ListCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    Configuration conf = new Configuration(ctx.conf);
    defines.applyTo(conf);
    EnumSet<YarnApplicationState> states = all ? EnumSet.allOf(YarnApplicationState.class)
        : EnumSet.of(YarnApplicationState.NEW, YarnApplicationState.NEW_SAVING, YarnApplicationState.SUBMITTED,
            YarnApplicationState.ACCEPTED, YarnApplicationState.RUNNING);
    List<ApplicationReport> apps = YarnCommands.withYarn(conf,
        yarn -> yarn.getApplications(Set.of(JobSubmitter.APPLICATION_TYPE), states));
    apps = new ArrayList<>(apps);
    apps.sort((a, b) -> a.getApplicationId().compareTo(b.getApplicationId()));
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (ApplicationReport r : apps) {
        rows.add(StatusCommand.describe(r, null));
      }
      ctx.printJson(rows);
    } else {
      ctx.out.printf("%-32s %-20s %-10s %-10s %5s  %s%n", "APPLICATION", "NAME", "STATE", "FINAL", "PROG", "TRACKING URL");
      for (ApplicationReport r : apps) {
        ctx.out.printf("%-32s %-20s %-10s %-10s %4d%%  %s%n", r.getApplicationId(), r.getName(),
            r.getYarnApplicationState(), r.getFinalApplicationStatus(), Math.round(r.getProgress() * 100),
            r.getTrackingUrl());
      }
    }
    return ExitCodes.OK;
  }
}
