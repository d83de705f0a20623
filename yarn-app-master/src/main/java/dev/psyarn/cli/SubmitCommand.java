package dev.psyarn.cli;

import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "submit", description = "Submit a job to the YARN cluster of the configuration.")
final class SubmitCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Parameters(paramLabel = "JOB.yaml", description = "The job spec.")
  String specFile;

  @Option(names = "--wait", description = "Show progress until the job ends; the exit status follows its final status.")
  boolean wait;

  @Option(names = "--report", paramLabel = "FILE", description = "With --wait: write the run report as JSON.")
  String report;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Mixin
  CliContext.Defines defines = new CliContext.Defines();

  SubmitCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    if (report != null && !wait) {
      throw new IllegalArgumentException("--report needs --wait: the report exists once the job has ended");
    }
    SpecFile spec = SpecFile.read(specFile, ctx.conf);
    Configuration conf = new Configuration(ctx.conf);
    defines.applyTo(conf);
    return JobRun.run(ctx, conf, spec, wait, report, json);
  }
}
