package dev.psyarn.cli;

import dev.psyarn.local.LocalCluster;
import java.io.File;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "local", description = "Run a job on an embedded HDFS and YARN cluster in this process, then stop it.")
final class LocalCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Parameters(paramLabel = "JOB.yaml", description = "The job spec.")
  String specFile;

  @Option(names = "--report", paramLabel = "FILE", description = "Write the run report as JSON.")
  String report;

  @Option(names = "--json", description = "Print the run report as JSON.")
  boolean json;

  @Option(names = "--nodes", paramLabel = "N", defaultValue = "1", description = "NodeManagers (default ${DEFAULT-VALUE}).")
  int nodes;

  @Mixin
  CliContext.Defines defines = new CliContext.Defines();

  LocalCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || nodes > 8) {
      throw new IllegalArgumentException("--nodes must be from 1 to 8, got " + nodes);
    }
    SpecFile spec = SpecFile.read(specFile);
    File work = new File("target", "psyarn-local").getAbsoluteFile();
    boolean mapReduce = spec.spec().preprocesses();
    ctx.err.println("starting local HDFS and YARN" + (mapReduce ? " with MapReduce" : "") + " (" + nodes
        + " NodeManager" + (nodes > 1 ? "s" : "") + ") in " + work);
    long start = System.nanoTime();
    try (LocalCluster cluster = LocalCluster.start(work, nodes, defines.properties, mapReduce)) {
      ctx.err.printf("local cluster up in %.1f s%n", (System.nanoTime() - start) / 1e9);
      Configuration conf = cluster.conf();
      ctx.conf.forEach(e -> {
        if (e.getKey().startsWith("psyarn.")) {
          conf.set(e.getKey(), e.getValue());
        }
      });
      defines.applyTo(conf);
      return JobRun.run(ctx, conf, spec, true, report, json);
    } finally {
      ctx.err.println("local cluster stopped");
    }
  }
}
