package dev.psyarn.ps.apps;

import dev.psyarn.mapreduce.flights.FlightsFeatures;
import dev.psyarn.ps.api.Application;
import dev.psyarn.ps.api.InitialModel;
import dev.psyarn.ps.api.PieceLayout;
import dev.psyarn.ps.api.WorkerContext;
import dev.psyarn.ps.wire.DataFilters;
import dev.psyarn.mapreduce.shard.ShardFormat;
import dev.psyarn.ps.worker.KVWorker;
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
public class SparseLogisticRegression implements Application<LrSettings, LrResult, Map<String, Object>> {

  static final int TABLE = 0;

  @Override
  public String name() {
    return "sparse-lr";
  }

  /** Factors a key: none for logistic regression ({@link SparseFactorizationMachines} has them). */
  int factors(LrSettings settings) {
    return 0;
  }

  @Override
  public Class<LrSettings> settingsType() {
    return LrSettings.class;
  }

  @Override
  public Class<LrResult> resultType() {
    return LrResult.class;
  }

  @Override
  public DataFilters filters(LrSettings settings) {
    return settings.dataFilters();
  }

  /** A {@code data} or {@code model} path without a scheme that is relative is a local file next to the spec. */
  @Override
  public void resolvePaths(com.fasterxml.jackson.databind.node.ObjectNode app, java.net.URI base) {
    dev.psyarn.specs.SpecPaths.resolve(app, base, "data", "shards", "model", "initialModel");
  }

  @Override
  public Optional<InitialModel> initialModel(LrSettings settings) {
    return Optional.ofNullable(settings.initialModel()).map(path -> new InitialModel(TABLE, path));
  }

  /**
   * The data file, the shards (each a worker or part reads, and the test split's) and the initial
   * model are there and read as what they must be.
   */
  @Override
  public void checkInputs(LrSettings app, int workers, Configuration conf) throws java.io.IOException {
    if (factors(app) == 0 && app.factors() != null) {
      throw new dev.psyarn.ps.api.SettingsException("factors", "sparse-lr has no factors: a factorization machine is "
          + "type: sparse-fm");
    }
    if (factors(app) == 0 && !app.linearOnly().isEmpty()) {
      throw new dev.psyarn.ps.api.SettingsException("linearOnly", "sparse-lr's features are all linear: linearOnly is "
          + "for type: sparse-fm");
    }
    if (!app.data().isEmpty()) {
      Path data = new Path(app.data());
      org.apache.hadoop.fs.FileSystem fs = data.getFileSystem(conf);
      if (!fs.exists(data) || fs.getFileStatus(data).isDirectory()) {
        throw new dev.psyarn.specs.SpecException("data", "no flights Parquet file at " + data);
      }
    }
    if (!app.shards().isEmpty()) {
      String dir = app.shards();
      int parts = app.pieces();
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
    if (app.initialModel() != null) {
      Path file = new Path(app.initialModel());
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

  /** The {@code data} path: workers featurize the flights Parquet file themselves. */
  @Override
  public boolean readsInputFiles(LrSettings settings) {
    return !settings.data().isEmpty();
  }

  /**
   * With {@code pieces: N}, the training data is cut into N parts (N training shards, or the
   * Parquet rows whose index modulo N is the part), and each epoch hands out every part once.
   */
  @Override
  public PieceLayout pieces(LrSettings app, int workers) {
    int parts = app.pieces();
    return parts > 0 ? new PieceLayout(app.epochs(), parts) : PieceLayout.NONE;
  }

  @Override
  public LrResult run(WorkerContext<LrSettings> context) throws Exception {
    LrSettings s = context.settings();
    Configuration conf = new Configuration();
    Factors fm = Factors.of(s, factors(s), conf);
    if (s.pieces() > 0) {
      return LrOnPieces.run(context, s, fm);
    }
    FlightsFeatures features = new FlightsFeatures(s.hashBits());
    long loadStart = System.nanoTime();
    boolean sharded = !s.shards().isEmpty();
    // Numbered (Examples): the training loop reads key numbers, half the bytes of keys.
    Examples train = sharded ? Examples.fromShards(conf, shard(conf, s.shards(), ShardFormat.TRAIN,
        context.index(), context.numWorkers()), true)
        : Examples.load(conf, new Path(s.data()), features, false, context.index(), context.numWorkers()).numbered();
    long biasKey = sharded ? train.keySpace : 1L << s.hashBits();
    // Worker 0 scores the test split after every epoch (evalEveryEpoch) and at the end; it loads it
    // while training starts (BackgroundTestSet). A missing test split fails here, before training.
    BackgroundTestSet test = null;
    if (context.index() == 0) {
      List<Path> testFiles = sharded ? testShards(conf, s.shards()) : null;
      test = new BackgroundTestSet(() -> sharded ? Examples.fromShards(conf, testFiles)
          : Examples.load(conf, new Path(s.data()), features, true, 0, 1), biasKey);
    }
    double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
    KVWorker kv = context.kv();
    kv.createTable(TABLE, fm.width(), s.updaterSpec());
    EarlyStopping stopping = s.patience() > 0 ? new EarlyStopping(s.patience()) : null;
    if (stopping != null) {
      kv.createTable(EarlyStopping.CONTROL_TABLE, 1);
    }
    context.coordinator().barrier("lr-loaded");

    LrResult results = new LrResult();
    long trainStart = System.nanoTime();
    long evalNanos = 0;
    Trainer trainer = new Trainer(kv, biasKey, s, fm);
    // A replacement worker goes on after the steps its predecessor had applied on every server.
    trainer.resumeAfter(kv.progress().clock());
    int[] order = identity(train.size());
    Random random = new Random(s.seed() * 31 + context.index());
    long total = (long) s.epochs() * train.size();
    long every = Math.max(1, total / s.curvePoints());
    int point = 0;
    context.live().put("train.examples", 0.0);
    // Each epoch trains on a copy of the examples in its shuffled order, read front to back, when
    // the copy fits well in the heap (a quarter of it); otherwise through the shuffled order.
    boolean copies = train.bytes() <= Runtime.getRuntime().maxMemory() / 4;
    int[] inOrder = copies ? identity(train.size()) : order;
    Examples shuffled = null;
    for (int epoch = 0; epoch < s.epochs(); epoch++) {
      shuffle(order, random);
      if (copies) {
        shuffled = train.reordered(order, shuffled);
      }
      point = pass(trainer, copies ? shuffled : train, inOrder, s.batchSize(), every, point, results, context.live());
      double seconds = (System.nanoTime() - trainStart - evalNanos) / 1e9;
      context.live().put("train.epoch", (double) (epoch + 1));
      context.live().put("train.examplesPerSecond", trainer.examplesSeen() / Math.max(seconds, 1e-9));
      if (stopping != null) {
        // Every epoch ends at two barriers: between them the model stands still while worker 0
        // scores it, keeps it if it is the best so far, and says whether to stop.
        trainer.drain();
        context.coordinator().barrier("lr-epoch-" + epoch + "-trained");
        if (test != null) {
          TestSet loaded = test.get(); // waiting for it counts as training time
          double trained = (System.nanoTime() - trainStart - evalNanos) / 1e9;
          long evalStart = System.nanoTime();
          Map<String, Double> scored = loaded.score(kv, TABLE, fm);
          recordEpoch(results, s, epoch, trained, scored, context.live());
          boolean stop = stopping.scored(epoch, scored, s.model().isEmpty() ? null : EarlyStopping.copyOf(kv, TABLE, fm));
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
        TestSet loaded = test.get(); // waiting for it counts as training time
        double trained = (System.nanoTime() - trainStart - evalNanos) / 1e9;
        long evalStart = System.nanoTime();
        Map<String, Double> scored = loaded.score(kv, TABLE, fm);
        evalNanos += System.nanoTime() - evalStart;
        recordEpoch(results, s, epoch, trained, scored, context.live());
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
      scoreAndWrite(kv, test.get(), s, fm, trainSeconds, sharded, biasKey, conf, results, context.live());
    }
    if (test != null) {
      results.put("test.loadSeconds", test.seconds());
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
      LrResult results, Map<String, Double> live) {
    for (int from = 0; from < order.length; from += batchSize) {
      int to = Math.min(order.length, from + batchSize);
      trainer.step(data, order, from, to, to < order.length ? to : -1, Math.min(order.length, to + batchSize));
      live.put("train.examples", (double) trainer.examplesSeen()); // the heartbeats carry it, and the loss
      if (trainer.examplesSeen() >= (point + 1) * every) {
        double loss = trainer.recentLogloss(); // since the last point (asking resets it)
        results.curve().add(new LrResult.CurvePoint(trainer.examplesSeen(), loss));
        live.put("train.logloss", loss);
        point++;
      }
    }
    return point;
  }

  /** Worker 0, after training: the final test scores, and the model file when the spec names one. */
  static void scoreAndWrite(KVWorker kv, TestSet test, LrSettings s, Factors fm, double trainSeconds,
      boolean sharded, long biasKey, Configuration conf, LrResult results, Map<String, Double> live)
      throws java.io.IOException {
    Map<String, Double> scored = test.score(kv, TABLE, fm);
    results.putAll(scored);
    recordEpoch(results, s, s.epochs() - 1, trainSeconds, scored, live);
    if (!s.model().isEmpty()) {
      long[] keys = kv.keys(TABLE);
      float[] weights = new float[keys.length * fm.width()];
      kv.waitFor(kv.pull(TABLE, keys, weights));
      fm.complete(weights, keys, keys.length); // the factors the model uses
      new LogisticModel(sharded ? 0 : s.hashBits(), biasKey, keys, weights, fm.width()).write(conf, new Path(s.model()));
      results.put("model.written", (double) keys.length);
    }
  }

  /**
   * This worker's shard of a split, every part of it; a missing one means the shards were made for
   * another job.
   */
  static List<Path> shard(Configuration conf, String dir, byte split, int index, int workers)
      throws java.io.IOException {
    try {
      return ShardFormat.parts(conf, new Path(dir), split, index);
    } catch (java.io.FileNotFoundException e) {
      throw new java.io.IOException(e.getMessage() + " for worker " + index + " of " + workers
          + ": the shards under " + dir + " were written for fewer workers");
    }
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
  static void recordEpoch(LrResult results, LrSettings s, int epoch, double trainedSeconds,
      Map<String, Double> scored, Map<String, Double> live) {
    // The heartbeats carry the latest scores, for the AM's live charts.
    live.put("test.epoch", (double) (epoch + 1));
    live.put("test.logloss", scored.get("test.logloss"));
    live.put("test.auc", scored.get("test.auc"));
    results.epochs().add(new LrResult.EpochScore(epoch + 1, trainedSeconds, scored.get("test.logloss"),
        scored.get("test.auc")));
    if (!Double.isNaN(s.targetLogloss()) && !results.has("train.secondsToTarget")
        && scored.get("test.logloss") <= s.targetLogloss()) {
      results.put("train.secondsToTarget", trainedSeconds);
      results.put("train.epochsToTarget", (double) (epoch + 1));
    }
  }

  /** Scores every test example with the servers' current weights. */
  static Map<String, Double> evaluate(KVWorker kv, Examples test, long biasKey) {
    return new TestSet(test, biasKey).score(kv, TABLE);
  }

  /** 0, 1, …, n − 1. */
  static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
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
  public Map<String, Object> combine(LrSettings settings, List<LrResult> results) {
    Map<String, Object> summary = new LinkedHashMap<>();
    if (results.isEmpty()) {
      return summary;
    }
    LrResult first = results.get(0);
    for (String key : List.of("test.logloss", "test.auc", "test.accuracy", "test.examples", "model.keys",
        "model.written", "train.secondsToTarget", "train.epochsToTarget", "train.bestEpoch", "train.epochsRun")) {
      if (first.has(key)) {
        summary.put(key, first.figures().get(key));
      }
    }
    // Worker 0's test scores after each epoch: training seconds (scoring pauses excluded) → scores.
    if (!first.epochs().isEmpty()) {
      summary.put("testCurve", first.epochs());
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
      LrResult r = results.get(w);
      waits.put("worker" + w, Math.round(r.get("train.waitSeconds", 0) * 100) / 100.0);
      examples += r.get("train.examples", 0);
      seconds = Math.max(seconds, r.get("train.seconds", 0));
      staleness = Math.max(staleness, r.get("train.maxStaleness", 0));
      updatesSent += r.get("filter.updatesSent", 0);
      updatesHeld += r.get("filter.updatesHeld", 0);
      resumed += r.get("train.resumedSteps", 0);
      curves.put("worker" + w, r.curve().stream().map(p -> new double[] {p.examples(), p.logloss()}).toList());
    }
    summary.put("train.examples", (long) examples);
    summary.put("train.seconds", seconds);
    summary.put("train.maxStaleness", (long) staleness);
    // Steps replacement workers found applied by their predecessors and did not redo.
    summary.put("train.resumedSteps", (long) resumed);
    if (results.stream().anyMatch(r -> r.has("train.pieces"))) {
      // Pieces done over all workers (one redone after its worker was lost counts again), and
      // the parts' data each worker loaded (the AM gives a worker the parts it has first).
      summary.put("train.pieces", results.stream().mapToLong(r -> (long) r.get("train.pieces", 0)).sum());
      summary.put("train.partsLoaded", results.stream().mapToLong(r -> (long) r.get("train.partsLoaded", 0)).sum());
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
