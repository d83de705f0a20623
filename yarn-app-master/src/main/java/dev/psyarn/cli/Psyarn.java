package dev.psyarn.cli;

import dev.psyarn.runtime.HdfsCloseWait;
import java.io.PrintStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.conf.Configured;
import org.apache.hadoop.util.Tool;
import org.apache.hadoop.util.ToolRunner;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code psyarn} command: {@code yarn jar psyarn.jar <command>} or {@code bin/psyarn <command>}.
 * Hadoop's generic options ({@code -D}, {@code -conf}, {@code -fs}) go before the command; the
 * exit status is one of {@link ExitCodes}.
 */
@Command(name = "psyarn", mixinStandardHelpOptions = true, version = "psyarn 0.1.0",
    description = "A parameter server on Apache Hadoop YARN.",
    footer = {"", "Exit status: 0 ok, 1 job failed, 2 usage, 3 invalid spec, 4 job killed,",
        "5 cluster error, 6 no such application, 7 permission denied (no Kerberos ticket,",
        "or a job that is not yours to change)."})
public final class Psyarn extends Configured implements Tool {

  private final PrintStream out;
  private final PrintStream err;

  public Psyarn() {
    this(System.out, System.err);
  }

  public Psyarn(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    int code;
    try {
      code = ToolRunner.run(new YarnConfiguration(), new Psyarn(), args);
    } catch (Throwable t) {
      System.err.println("psyarn: unexpected error: " + t);
      t.printStackTrace();
      code = ExitCodes.CLUSTER_ERROR;
    }
    System.exit(code);
  }

  @Override
  public int run(String[] args) {
    // Before the first FileSystem of the process: an HDFS client keeps the settings it was made with.
    Configuration conf = HdfsCloseWait.apply(getConf() == null ? new YarnConfiguration() : getConf());
    CliContext context = new CliContext(conf, out, err);
    CommandLine cli = new CommandLine(this)
        .addSubcommand("submit", new SubmitCommand(context))
        .addSubcommand("local", new LocalCommand(context))
        .addSubcommand("validate", new ValidateCommand(context))
        .addSubcommand("status", new StatusCommand(context))
        .addSubcommand("list", new ListCommand(context))
        .addSubcommand("kill", new KillCommand(context))
        .addSubcommand("flex", new FlexCommand(context))
        .addSubcommand("logs", new LogsCommand(context))
        .addSubcommand("debug", new DebugCommand(context))
        .addSubcommand("predict", new PredictCommand(context))
        .addSubcommand("bench", new BenchCommand(context));
    cli.setOut(new java.io.PrintWriter(out, true));
    cli.setErr(new java.io.PrintWriter(err, true));
    cli.setExitCodeExceptionMapper(e -> ExitCodes.USAGE);
    cli.setParameterExceptionHandler((e, a) -> {
      err.println("psyarn: " + e.getMessage());
      e.getCommandLine().usage(err);
      return ExitCodes.USAGE;
    });
    Failures failures = new Failures(err);
    cli.setExecutionExceptionHandler(failures);
    if (args.length == 0) {
      cli.usage(err);
      return ExitCodes.USAGE;
    }
    // On a Kerberos cluster every command runs as the keytab's principal or the ticket cache's user
    // (refused here, before anything is asked of the cluster, if there is neither).
    try {
      return dev.psyarn.client.ClientLogin.run(context.conf, () -> cli.execute(args));
    } catch (Exception e) {
      return failures.handleExecutionException(e, cli, null);
    }
  }
}
