package dev.psyarn.cli;

import dev.psyarn.ps.apps.FlightsScoring;
import dev.psyarn.ps.apps.LogisticModel;
import java.io.BufferedWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", description = "Score a flights Parquet file with a sparse-lr model; print logloss, AUC, accuracy.")
final class PredictCommand implements Callable<Integer> {

  private final CliContext ctx;

  @Parameters(index = "0", paramLabel = "MODEL", description = "The model the sparse-lr app wrote (any Hadoop path).")
  String model;

  @Parameters(index = "1", paramLabel = "DATA", description = "Preprocessed shards (a .shard file, or a directory of them: "
      + "the shards/ of a preprocess output), or a Parquet file of flights (any Hadoop path).")
  String data;

  @Option(names = "--split", defaultValue = "all", description = "Rows to score: all, train or test (flights Parquet: "
      + "January–May or June on; a shard directory: its train-* or test-* shards).")
  String split;

  @Option(names = "--out", paramLabel = "FILE", description = "Write row,probability,label for every scored row.")
  String out;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Mixin
  CliContext.Defines defines = new CliContext.Defines();

  PredictCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    FlightsScoring.Split which;
    try {
      which = FlightsScoring.Split.valueOf(split.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--split must be all, train or test, got \"" + split + "\"");
    }
    Configuration conf = new Configuration(ctx.conf);
    defines.applyTo(conf);
    LogisticModel m = LogisticModel.read(conf, path(model));
    Map<String, Object> metrics;
    Path input = path(data);
    boolean shards = input.getName().endsWith(".shard") || input.getFileSystem(conf).getFileStatus(input).isDirectory();
    try (Writer w = out == null ? null : new BufferedWriter(Files.newBufferedWriter(CliContext.userPath(out)))) {
      metrics = shards ? FlightsScoring.scoreShards(conf, m, input, which, w)
          : FlightsScoring.score(conf, m, input, which, w);
    }
    if (json) {
      ctx.printJson(metrics);
    } else {
      metrics.forEach((k, v) -> ctx.out.printf("%-11s %s%n", k, v));
    }
    return ExitCodes.OK;
  }

  /** A path with a scheme as given; a plain one is a local file relative to where psyarn was run. */
  private static Path path(String given) {
    return given.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") ? new Path(given)
        : new Path(CliContext.userPath(given).toUri());
  }
}
