package dev.psyarn.ps.apps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.mapreduce.flights.FlightsFeatures;
import dev.psyarn.mapreduce.shard.ShardFormat;
import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.worker.Consistency;
import dev.psyarn.ps.worker.KVWorker;
import dev.psyarn.specs.SpecNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Sparse logistic regression on the flights task (shared/data/README.md): workers train on their
 * share of the training months with asynchronous minibatch gradients, the servers apply them with
 * the table's updater (FTRL-proximal by default), pulls wait as the consistency model says, and
 * worker 0 scores the whole test split with the final weights.
 */
public final class SparseLogisticRegression implements AppType {

  static final int TABLE = 0;

  /** The settings of the {@code app} section. */
  record Settings(String data, String shards, String model, int hashBits, int epochs, int batchSize, UpdaterSpec updater,
      Consistency consistency, long seed, int curvePoints, float significanceThreshold, boolean evalEveryEpoch,
      double targetLogloss, int pieces, int patience) {

    static Settings of(JsonNode app) {
      JsonNode u = app.path("updater");
      JsonNode c = app.path("consistency");
      return new Settings(app.path("data").asText(""), app.path("shards").asText(""), app.path("model").asText(""), app.path("hashBits").asInt(24),
          app.path("epochs").asInt(3),
          app.path("batchSize").asInt(500),
          new UpdaterSpec(u.path("type").asText("ftrl"), (float) u.path("rate").asDouble(0.05),
              (float) u.path("l1").asDouble(0), (float) u.path("l2").asDouble(0), (float) u.path("beta").asDouble(1)),
          // Workers come and go with pieces: no worker's clock is waited for.
          new Consistency(c.path("model").asText(app.path("pieces").asInt(0) > 0 ? "eventual" : "bounded"),
              c.path("maxDelay").asInt(2)),
          app.path("seed").asLong(1), app.path("curvePoints").asInt(20),
          (float) app.path("filters").path("significantlyModified").asDouble(0),
          app.path("evalEveryEpoch").asBoolean(true), app.path("targetLogloss").asDouble(Double.NaN),
          app.path("pieces").asInt(0), app.path("earlyStopping").path("patience").asInt(0));
    }
  }

  @Override
  public String name() {
    return "sparse-lr";
  }

  @Override
  public void validate(SpecNode app) {
    app.allowOnly("type", "data", "shards", "model", "hashBits", "epochs", "batchSize", "updater", "consistency", "seed",
        "curvePoints", "filters", "evalEveryEpoch", "targetLogloss", "initialModel", "pieces", "earlyStopping");
    int pieces = app.integerOr("pieces", 0, 0, 100_000);
    app.optionalObject("earlyStopping").ifPresent(e -> {
      e.allowOnly("patience");
      e.integerOr("patience", 1, 1, 1000);
      if (!e.has("patience")) {
        throw e.error("patience", "is required: the epochs without a better test log loss after which training stops");
      }
      if (pieces > 0) {
        throw e.error("patience", "early stopping scores the test split between epochs, which workers on pieces do "
            + "not share; drop pieces or earlyStopping");
      }
      if (!app.bool("evalEveryEpoch", true)) {
        throw e.error("patience", "early stopping needs the test split scored after every epoch: drop "
            + "evalEveryEpoch: false");
      }
    });
    if (app.has("initialModel") && app.text("initialModel").isBlank()) {
      throw app.error("initialModel", "must name a model file that sparse-lr wrote (its app.model)");
    }
    app.bool("evalEveryEpoch", true);
    if (app.has("targetLogloss")) {
      double target = app.decimal("targetLogloss", 0);
      if (!(target > 0 && target < 10)) {
        throw app.error("targetLogloss", "must be a test log loss above 0 (such as 0.4510), got " + target);
      }
    }
    app.optionalObject("filters").ifPresent(f -> {
      f.allowOnly("significantlyModified", "keyCaching", "compression");
      f.bool("keyCaching", false);
      String compression = f.textOr("compression", "none");
      if (!compression.equals("none") && !compression.equals("lz4")) {
        throw f.error("compression", "must be none or lz4, got \"" + compression + "\"");
      }
      if (f.decimal("significantlyModified", 0) < 0) {
        throw f.error("significantlyModified", "must be zero (off) or a positive threshold");
      }
    });
    app.textOr("data", "");
    app.textOr("shards", "");
    if (app.has("data") && app.has("shards")) {
      throw app.error("shards", "give data (a flights Parquet file) or shards (preprocessed), not both");
    }
    app.textOr("model", "");
    app.integerOr("hashBits", 24, 16, 30);
    app.integerOr("epochs", 3, 1, 1000);
    app.integerOr("batchSize", 500, 1, 1_000_000);
    app.integerOr("curvePoints", 20, 1, 1000);
    app.optionalObject("updater").ifPresent(u -> {
      u.allowOnly("type", "rate", "l1", "l2", "beta");
      String type = u.textOr("type", "ftrl");
      try {
        new UpdaterSpec(type, (float) u.decimal("rate", 0.05), (float) u.decimal("l1", 0),
            (float) u.decimal("l2", 0), (float) u.decimal("beta", 1))
            .create();
      } catch (IllegalArgumentException e) {
        throw u.error(e.getMessage());
      }
    });
    app.optionalObject("consistency").ifPresent(c -> {
      c.allowOnly("model", "maxDelay");
      if (pieces > 0 && !c.textOr("model", "eventual").equals("eventual")) {
        throw c.error("model", "must be eventual with pieces: workers join and leave a job that hands out pieces, "
            + "so no worker's clock can be waited for; drop pieces for " + c.text("model") + " consistency");
      }
      try {
        new Consistency(c.textOr("model", "bounded"), c.integerOr("maxDelay", 2, 0, 1_000_000));
      } catch (IllegalArgumentException e) {
        throw c.error("model", e.getMessage());
      }
    });
  }

  /** A {@code data} or {@code model} path without a scheme that is relative is a local file next to the spec. */
  @Override
  public void resolvePaths(com.fasterxml.jackson.databind.node.ObjectNode app, java.net.URI base) {
    dev.psyarn.specs.SpecPaths.resolve(app, base, "data", "shards", "model", "initialModel");
  }

  @Override
  public java.util.Optional<InitialModel> initialModel(JsonNode app) {
    return app.hasNonNull("initialModel") ? java.util.Optional.of(new InitialModel(TABLE, app.get("initialModel").asText()))
        : java.util.Optional.empty();
  }

  /**
   * The data file, the shards (each a worker or part reads, and the test split's) and the initial
   * model are there and read as what they must be.
   */
  @Override
  public void checkInputs(JsonNode app, int workers, Configuration conf) throws java.io.IOException {
    if (app.hasNonNull("data")) {
      Path data = new Path(app.get("data").asText());
      org.apache.hadoop.fs.FileSystem fs = data.getFileSystem(conf);
      if (!fs.exists(data) || fs.getFileStatus(data).isDirectory()) {
        throw new dev.psyarn.specs.SpecException("data", "no flights Parquet file at " + data);
      }
    }
    if (app.hasNonNull("shards")) {
      String dir = app.get("shards").asText();
      int parts = app.path("pieces").asInt(0);
      int needed = parts > 0 ? parts : workers;
      for (int i = 0; i < needed; i++) {
        Path shard = new Path(dir, ShardFormat.fileName(ShardFormat.TRAIN, i));
        if (!shard.getFileSystem(conf).exists(shard)) {
          throw new dev.psyarn.specs.SpecException("shards", "no " + shard.getName() + " under " + dir + ": "
              + (parts > 0 ? "pieces: " + parts + " needs " + parts : workers + " workers need " + workers)
              + " training shards (train-00000.shard on)");
        }
      }
      try {
        testShards(conf, dir);
      } catch (java.io.IOException e) {
        throw new dev.psyarn.specs.SpecException("shards", e.getMessage() + ": worker 0 scores the test split");
      }
    }
    if (app.hasNonNull("initialModel")) {
      Path file = new Path(app.get("initialModel").asText());
      try {
        LogisticModel.read(conf, file);
      } catch (java.io.IOException e) {
        throw new dev.psyarn.specs.SpecException("initialModel", "cannot start from " + file + ": " + e.getMessage());
      }
    }
  }

  @Override
  public boolean needsData() {
    return true;
  }

  /**
   * With {@code pieces: N}, the training data is cut into N parts (N training shards, or the
   * Parquet rows whose index modulo N is the part), and each epoch hands out every part once.
   */
  @Override
  public PieceLayout pieces(JsonNode app, int workers) {
    int parts = app.path("pieces").asInt(0);
    return parts > 0 ? new PieceLayout(app.path("epochs").asInt(3), parts) : PieceLayout.NONE;
  }

  @Override
  public Map<String, Double> run(WorkerContext context) throws Exception {
    Settings s = Settings.of(context.config());
    if (s.pieces() > 0) {
      return LrOnPieces.run(context, s);
    }
    FlightsFeatures features = new FlightsFeatures(s.hashBits());
    Configuration conf = new Configuration();
    long loadStart = System.nanoTime();
    boolean sharded = !s.shards().isEmpty();
    Examples train = sharded ? Examples.fromShards(conf, List.of(shard(conf, s.shards(), ShardFormat.TRAIN,
        context.index(), context.numWorkers())))
        : Examples.load(conf, new Path(s.data()), features, false, context.index(), context.numWorkers());
    long biasKey = sharded ? train.keySpace : 1L << s.hashBits();
    // Worker 0 scores the test split after every epoch (evalEveryEpoch) and at the end.
    TestSet test = null;
    if (context.index() == 0) {
      test = new TestSet(sharded ? Examples.fromShards(conf, testShards(conf, s.shards()))
          : Examples.load(conf, new Path(s.data()), features, true, 0, 1), biasKey);
    }
    double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
    KVWorker kv = context.kv();
    kv.createTable(TABLE, 1, s.updater());
    EarlyStopping stopping = s.patience() > 0 ? new EarlyStopping(s.patience()) : null;
    if (stopping != null) {
      kv.createTable(EarlyStopping.CONTROL_TABLE, 1);
    }
    context.coordinator().barrier("lr-loaded");

    Map<String, Double> results = new LinkedHashMap<>();
    long trainStart = System.nanoTime();
    long evalNanos = 0;
    Trainer trainer = new Trainer(kv, biasKey, s);
    // A replacement worker goes on after the steps its predecessor had applied on every server.
    trainer.resumeAfter(kv.progress().clock());
    int[] order = new int[train.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Random random = new Random(s.seed() * 31 + context.index());
    long total = (long) s.epochs() * train.size();
    long every = Math.max(1, total / s.curvePoints());
    int point = 0;
    context.live().put("train.examples", 0.0);
    for (int epoch = 0; epoch < s.epochs(); epoch++) {
      shuffle(order, random);
      point = pass(trainer, train, order, s.batchSize(), every, point, results, context.live());
      double seconds = (System.nanoTime() - trainStart - evalNanos) / 1e9;
      context.live().put("train.epoch", (double) (epoch + 1));
      context.live().put("train.examplesPerSecond", trainer.examplesSeen() / Math.max(seconds, 1e-9));
      if (stopping != null) {
        // Every epoch ends at two barriers: between them the model stands still while worker 0
        // scores it, keeps it if it is the best so far, and says whether to stop.
        trainer.drain();
        context.coordinator().barrier("lr-epoch-" + epoch + "-trained");
        if (test != null) {
          double trained = (System.nanoTime() - trainStart - evalNanos) / 1e9;
          long evalStart = System.nanoTime();
          Map<String, Double> scored = test.score(kv, TABLE);
          recordEpoch(results, s, epoch, trained, scored);
          boolean stop = stopping.scored(epoch, scored, s.model().isEmpty() ? null : EarlyStopping.copyOf(kv, TABLE));
          evalNanos += System.nanoTime() - evalStart;
          if (stop && epoch + 1 < s.epochs()) {
            EarlyStopping.announce(kv, epoch);
          }
        }
        context.coordinator().barrier("lr-epoch-" + epoch);
        if (epoch + 1 < s.epochs() && EarlyStopping.announced(kv)) {
          break;
        }
      } else if (test != null && s.evalEveryEpoch() && epoch + 1 < s.epochs() && !trainer.lastStepSkipped()) {
        // The epoch ends once its pushes are in; training time excludes the scoring pauses (the
        // other workers go on meanwhile).
        trainer.drain();
        double trained = (System.nanoTime() - trainStart - evalNanos) / 1e9;
        long evalStart = System.nanoTime();
        Map<String, Double> scored = test.score(kv, TABLE);
        evalNanos += System.nanoTime() - evalStart;
        recordEpoch(results, s, epoch, trained, scored);
      }
    }
    trainer.finish();
    double trainSeconds = (System.nanoTime() - trainStart - evalNanos) / 1e9;
    results.put("train.examples", (double) trainer.examplesSeen());
    results.put("train.seconds", trainSeconds);
    results.put("train.loadSeconds", loadSeconds);
    results.put("train.maxStaleness", (double) trainer.maxStaleness());
    results.put("train.waitSeconds", trainer.waitSeconds());
    results.put("train.resumedSteps", (double) trainer.skippedSteps());
    results.put("filter.updatesSent", (double) trainer.updatesSent());
    results.put("filter.updatesHeld", (double) trainer.updatesHeld());
    context.coordinator().barrier("lr-trained");
    if (test != null && stopping != null) {
      stopping.keepBest(results, s.model(), sharded ? 0 : s.hashBits(), biasKey, conf);
    } else if (test != null) {
      scoreAndWrite(kv, test, s, trainSeconds, sharded, biasKey, conf, results);
    }
    return results;
  }

  /**
   * One pass over {@code order} in minibatches, each pulling the next batch ahead while it
   * computes (none past the pass's end); a training-loss curve point every {@code every} examples
   * from point {@code point} on, whose examples seen and training loss also go to {@code live}
   * (the worker's heartbeats). Returns the next curve point.
   */
  static int pass(Trainer trainer, Examples data, int[] order, int batchSize, long every, int point,
      Map<String, Double> results, Map<String, Double> live) {
    for (int from = 0; from < order.length; from += batchSize) {
      int to = Math.min(order.length, from + batchSize);
      trainer.step(data, order, from, to, to < order.length ? to : -1, Math.min(order.length, to + batchSize));
      if (trainer.examplesSeen() >= (point + 1) * every) {
        results.put("curve." + point + ".examples", (double) trainer.examplesSeen());
        results.put("curve." + point + ".logloss", trainer.recentLogloss());
        live.put("train.examples", (double) trainer.examplesSeen()); // the heartbeats carry them
        live.put("train.logloss", trainer.recentLogloss());
        point++;
      }
    }
    return point;
  }

  /** Worker 0, after training: the final test scores, and the model file when the spec names one. */
  static void scoreAndWrite(KVWorker kv, TestSet test, Settings s, double trainSeconds, boolean sharded,
      long biasKey, Configuration conf, Map<String, Double> results) throws java.io.IOException {
    Map<String, Double> scored = test.score(kv, TABLE);
    results.putAll(scored);
    recordEpoch(results, s, s.epochs() - 1, trainSeconds, scored);
    if (!s.model().isEmpty()) {
      long[] keys = kv.keys(TABLE);
      float[] weights = new float[keys.length];
      kv.waitFor(kv.pull(TABLE, keys, weights));
      new LogisticModel(sharded ? 0 : s.hashBits(), biasKey, keys, weights).write(conf, new Path(s.model()));
      results.put("model.written", (double) keys.length);
    }
  }

  /** This worker's shard of a split; a missing one means the shards were made for another job. */
  static Path shard(Configuration conf, String dir, byte split, int index, int workers) throws java.io.IOException {
    Path file = new Path(dir, ShardFormat.fileName(split, index));
    if (!file.getFileSystem(conf).exists(file)) {
      throw new java.io.IOException("no shard " + file + " for worker " + index + " of " + workers
          + ": the shards under " + dir + " were written for fewer workers");
    }
    return file;
  }

  /** Every test shard under a shard directory, in shard order. */
  public static List<Path> testShards(Configuration conf, String dir) throws java.io.IOException {
    org.apache.hadoop.fs.FileStatus[] found = new Path(dir).getFileSystem(conf).globStatus(new Path(dir, "test-*.shard"));
    if (found == null || found.length == 0) {
      throw new java.io.IOException("no test-*.shard files under " + dir);
    }
    List<Path> out = new ArrayList<>();
    for (org.apache.hadoop.fs.FileStatus f : found) {
      out.add(f.getPath());
    }
    out.sort(null);
    return out;
  }

  /**
   * Records one epoch's test scores ({@code test.epoch.N.*}, N from 1) and, the first time the log
   * loss reaches the spec's {@code targetLogloss}, the training seconds and epochs it took.
   */
  static void recordEpoch(Map<String, Double> results, Settings s, int epoch, double trainedSeconds,
      Map<String, Double> scored) {
    String prefix = "test.epoch." + (epoch + 1) + ".";
    results.put(prefix + "seconds", trainedSeconds);
    results.put(prefix + "logloss", scored.get("test.logloss"));
    results.put(prefix + "auc", scored.get("test.auc"));
    if (!Double.isNaN(s.targetLogloss()) && !results.containsKey("train.secondsToTarget")
        && scored.get("test.logloss") <= s.targetLogloss()) {
      results.put("train.secondsToTarget", trainedSeconds);
      results.put("train.epochsToTarget", (double) (epoch + 1));
    }
  }

  /** Scores every test example with the servers' current weights. */
  static Map<String, Double> evaluate(KVWorker kv, Examples test, long biasKey) {
    return new TestSet(test, biasKey).score(kv, TABLE);
  }

  static void shuffle(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }

  @Override
  public Map<String, Object> summarize(List<Map<String, Double>> results) {
    Map<String, Object> summary = new LinkedHashMap<>();
    if (results.isEmpty()) {
      return summary;
    }
    Map<String, Double> first = results.get(0);
    for (String key : List.of("test.logloss", "test.auc", "test.accuracy", "test.examples", "model.keys",
        "model.written", "train.secondsToTarget", "train.epochsToTarget", "train.bestEpoch", "train.epochsRun")) {
      if (first.containsKey(key)) {
        summary.put(key, first.get(key));
      }
    }
    // Worker 0's test scores after each epoch: training seconds (scoring pauses excluded) → scores.
    List<Map<String, Double>> testCurve = new ArrayList<>();
    for (int e = 1; first.containsKey("test.epoch." + e + ".logloss"); e++) {
      Map<String, Double> row = new LinkedHashMap<>();
      row.put("epoch", (double) e);
      row.put("seconds", first.get("test.epoch." + e + ".seconds"));
      row.put("logloss", first.get("test.epoch." + e + ".logloss"));
      row.put("auc", first.get("test.epoch." + e + ".auc"));
      testCurve.add(row);
    }
    if (!testCurve.isEmpty()) {
      summary.put("testCurve", testCurve);
    }
    double examples = 0;
    double seconds = 0;
    double staleness = 0;
    double updatesSent = 0;
    double updatesHeld = 0;
    double resumed = 0;
    Map<String, Object> curves = new LinkedHashMap<>();
    Map<String, Double> waits = new LinkedHashMap<>();
    for (int w = 0; w < results.size(); w++) {
      Map<String, Double> r = results.get(w);
      waits.put("worker" + w, Math.round(r.getOrDefault("train.waitSeconds", 0.0) * 100) / 100.0);
      examples += r.getOrDefault("train.examples", 0.0);
      seconds = Math.max(seconds, r.getOrDefault("train.seconds", 0.0));
      staleness = Math.max(staleness, r.getOrDefault("train.maxStaleness", 0.0));
      updatesSent += r.getOrDefault("filter.updatesSent", 0.0);
      updatesHeld += r.getOrDefault("filter.updatesHeld", 0.0);
      resumed += r.getOrDefault("train.resumedSteps", 0.0);
      List<double[]> curve = new ArrayList<>();
      for (int p = 0; r.containsKey("curve." + p + ".examples"); p++) {
        curve.add(new double[] {r.get("curve." + p + ".examples"), r.get("curve." + p + ".logloss")});
      }
      curves.put("worker" + w, curve);
    }
    summary.put("train.examples", (long) examples);
    summary.put("train.seconds", seconds);
    summary.put("train.maxStaleness", (long) staleness);
    // Steps replacement workers found applied by their predecessors and did not redo.
    summary.put("train.resumedSteps", (long) resumed);
    if (results.stream().anyMatch(r -> r.containsKey("train.pieces"))) {
      // Pieces done over all workers (one redone after its worker was lost counts again), and
      // the parts' data each worker loaded (the AM gives a worker the parts it has first).
      summary.put("train.pieces", results.stream().mapToLong(r -> r.getOrDefault("train.pieces", 0.0).longValue()).sum());
      summary.put("train.partsLoaded",
          results.stream().mapToLong(r -> r.getOrDefault("train.partsLoaded", 0.0).longValue()).sum());
    }
    summary.put("train.waitSeconds", waits);
    summary.put("filter.updatesSent", (long) updatesSent);
    summary.put("filter.updatesHeld", (long) updatesHeld);
    summary.put("lossCurve", curves);
    return summary;
  }

  @Override
  public Optional<String> verify(Map<String, Object> summary) {
    Object logloss = summary.get("test.logloss");
    if (!(logloss instanceof Double d) || d.isNaN()) {
      return Optional.of("no test metrics were reported");
    }
    return Optional.empty();
  }
}
