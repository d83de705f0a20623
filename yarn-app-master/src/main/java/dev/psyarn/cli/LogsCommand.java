package dev.psyarn.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code yarn logs} by role and index: the logs of a job's AM, servers or workers. */
@Command(name = "logs", description = "Show the logs of a job's containers by role and index (yarn logs underneath).")
final class LogsCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Parameters(paramLabel = "APP_ID", description = "The application id.")
  String appId;

  @Mixin
  ContainerLogs.Choice choice = new ContainerLogs.Choice();

  @Option(names = "--file", defaultValue = "stderr",
      description = "The log file: stderr (psyarn's log, the default), stdout, or ALL.")
  String file;

  @Option(names = "--tail", description = "Only the last N lines of each log.")
  Integer tail;

  @Mixin
  CliContext.Defines defines = new CliContext.Defines();

  LogsCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    choice.check();
    if (tail != null && tail < 1) {
      throw new IllegalArgumentException("--tail must be 1 or more, got " + tail);
    }
    Configuration conf = new Configuration(ctx.conf);
    defines.applyTo(conf);
    ApplicationId id = YarnCommands.appId(appId);
    List<ContainerLogs.Target> targets = YarnCommands.withYarn(conf, yarn -> ContainerLogs.targets(conf, yarn, id,
        choice.role, choice.index));
    for (ContainerLogs.Target target : targets) {
      String text = ContainerLogs.fetch(YarnCommands.bounded(conf), id, target, file);
      ctx.out.println("==> " + target.label() + " " + file + " <==");
      ctx.out.print(tail == null ? text : lastLines(text, tail));
      if (!text.isEmpty() && !text.endsWith("\n")) {
        ctx.out.println();
      }
    }
    return ExitCodes.OK;
  }

  static String lastLines(String text, int n) {
    String[] lines = text.split("\n", -1);
    int end = lines.length > 0 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
    int from = Math.max(0, end - n);
    StringBuilder out = new StringBuilder();
    for (int i = from; i < end; i++) {
      out.append(lines[i]).append('\n');
    }
    return out.toString();
  }
}
