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

  @Parameters(index = "0", paramLabel = "MODEL", description = "The model the sparse-lr app wrote, or a checkpoint of its servers (a ckpt-N directory, or a job's checkpoint root for its newest); any Hadoop path.")
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
    Path modelPath = path(model);
    Path input = path(data);
    boolean shards = input.getName().endsWith(".shard") || input.getFileSystem(conf).getFileStatus(input).isDirectory();
    LogisticModel m;
    if (modelPath.getFileSystem(conf).getFileStatus(modelPath).isDirectory()) {
      // A checkpoint directory (or a job's checkpoint root: its newest complete checkpoint).
      m = LogisticModel.fromCheckpoint(dev.psyarn.ps.store.Checkpoints.readWhole(modelPath.getFileSystem(conf), modelPath));
      if (!shards) {
        throw new IllegalArgumentException("a checkpoint scores preprocessed shards (its keys are theirs); " + data
            + " is not a shard file or directory");
      }
    } else {
      m = LogisticModel.read(conf, modelPath);
    }
    Map<String, Object> metrics;
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
