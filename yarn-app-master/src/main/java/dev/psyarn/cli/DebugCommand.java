package dev.psyarn.cli;

import dev.psyarn.client.AmControl;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ContainerId;
import org.apache.hadoop.yarn.api.records.SignalContainerCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Introspection of a running container: {@code --threads} asks YARN to signal it for a thread
 * dump ({@code OUTPUT_THREAD_DUMP}: the JVM prints one to its stdout) and prints the dump.
 */
@Command(name = "debug", description = "Show a running container's threads (YARN's OUTPUT_THREAD_DUMP signal).")
final class DebugCommand implements Callable<Integer> {

  private static final String DUMP = "Full thread dump";

  private final CliContext ctx;

  @Parameters(index = "0", paramLabel = "APP_ID", description = "The application id.")
  String appId;

  @Parameters(index = "1", arity = "0..1", paramLabel = "CONTAINER_ID",
      description = "The container (or name it by --role and --index).")
  String containerId;

  @Mixin
  ContainerLogs.Choice choice = new ContainerLogs.Choice();

  @Option(names = "--threads", description = "Print the container's thread dump.")
  boolean threads;

  @Option(names = "--log-level", paramLabel = "LOGGER=LEVEL",
      description = "Set a logger's level at run time (Hadoop's /logLevel): in the AM and every container, or "
          + "those --role and --index name; root names the root logger.")
  String logLevel;

  @Option(names = "--wait-seconds", defaultValue = "30", description = "How long to wait for the dump in the logs.")
  int waitSeconds;

  @Mixin
  CliContext.Defines defines = new CliContext.Defines();

  DebugCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    if (threads == (logLevel != null)) {
      throw new IllegalArgumentException("say what to show or change: --threads, or --log-level LOGGER=LEVEL");
    }
    choice.check();
    Configuration conf = new Configuration(ctx.conf);
    defines.applyTo(conf);
    ApplicationId id = YarnCommands.appId(appId);
    if (logLevel != null) {
      return setLogLevel(conf, id);
    }
    if ((containerId == null) == (choice.role == null)) {
      throw new IllegalArgumentException("name one container: CONTAINER_ID, or --role (and --index)");
    }
    return YarnCommands.withYarn(conf, yarn -> {
      List<ContainerLogs.Target> targets = containerId == null
          ? ContainerLogs.targets(conf, yarn, id, choice.role, choice.index == null ? 0 : choice.index)
          : ContainerLogs.targets(conf, yarn, id, null, null).stream().filter(t -> t.id().equals(containerId)).toList();
      if (targets.isEmpty()) {
        throw new ContainerLogs.NotFound("no container " + containerId + " in " + id);
      }
      ContainerLogs.Target target = targets.get(0);
      Configuration bounded = YarnCommands.bounded(conf);
      int before = count(ContainerLogs.fetch(bounded, id, target, "stdout"));
      yarn.signalToContainer(ContainerId.fromString(target.id()), SignalContainerCommand.OUTPUT_THREAD_DUMP);
      long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        String stdout = ContainerLogs.fetch(bounded, id, target, "stdout");
        if (count(stdout) > before) {
          ctx.out.println("==> " + target.label() + " threads <==");
          ctx.out.println(stdout.substring(stdout.lastIndexOf(DUMP)).stripTrailing());
          return ExitCodes.OK;
        }
        Thread.sleep(500);
      }
      throw new java.io.IOException("no thread dump of " + target.label() + " reached its stdout within " + waitSeconds
          + " s: is it still running, and does its NodeManager's container executor signal containers?");
    });
  }

  /** Asks the job's AM (as its owner) to set a logger's level in itself and the chosen containers. */
  private int setLogLevel(Configuration conf, ApplicationId id) throws Exception {
    int eq = logLevel.indexOf('=');
    if (eq <= 0 || eq == logLevel.length() - 1) {
      throw new IllegalArgumentException("--log-level takes LOGGER=LEVEL, such as dev.psyarn=DEBUG; got \"" + logLevel
          + "\"");
    }
    String logger = logLevel.substring(0, eq);
    String level = dev.psyarn.ps.container.LogLevels.checked(logLevel.substring(eq + 1));
    if (containerId != null) {
      throw new IllegalArgumentException("--log-level names containers by --role and --index");
    }
    org.apache.hadoop.yarn.api.records.ApplicationReport report = YarnCommands.withYarn(conf,
        yarn -> yarn.getApplicationReport(id));
    dev.psyarn.ps.wire.ControlMessages.LogLevelReply reply;
    try {
      reply = (dev.psyarn.ps.wire.ControlMessages.LogLevelReply) AmControl.call(conf, report,
          new dev.psyarn.ps.wire.ControlMessages.LogLevel(logger, level, choice.role,
              choice.index == null ? -1 : choice.index,
              org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getShortUserName()),
          java.time.Duration.ofSeconds(30));
    } catch (AmControl.Refused e) {
      ctx.err.println("psyarn: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    ctx.out.println(id + ": " + logger + " set to " + level + " in " + (reply.am() ? "the AM and " : "")
        + reply.containers() + " container" + (reply.containers() == 1 ? "" : "s") + " (with their next heartbeat)");
    return ExitCodes.OK;
  }

  private static int count(String text) {
    int n = 0;
    for (int at = text.indexOf(DUMP); at >= 0; at = text.indexOf(DUMP, at + 1)) {
      n++;
    }
    return n;
  }
}
