package dev.psyarn.ps.apps;

import dev.psyarn.ps.api.InProcessJob;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.InProcessChannel;
import dev.psyarn.ps.worker.ConsistentHashRing;
import dev.psyarn.ps.worker.KVWorker;
import dev.psyarn.specs.SpecException;
import dev.psyarn.specs.SpecNode;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SparseLogisticRegressionTest {

  private final SparseLogisticRegression app = new SparseLogisticRegression();

  @Test
  void aucAndLoglossMatchHandComputedValues() {
    assertEquals(0.75, Metrics.auc(new float[] {0.1f, 0.4f, 0.35f, 0.8f}, new byte[] {0, 0, 1, 1}), 1e-12);
    assertEquals(0.5, Metrics.auc(new float[] {0.5f, 0.5f}, new byte[] {0, 1}), 1e-12, "ties count half");
    assertEquals(-Math.log(0.8), Metrics.logloss(0.8, 1), 1e-12);
    assertEquals(-Math.log(0.2), Metrics.logloss(0.8, 0), 1e-12);
  }

  /** Examples whose label follows feature 1 (positive) or 2 (negative), with noise features. */
  private static Examples synthetic(int n, long seed) {
    Random random = new Random(seed);
    byte[] labels = new byte[n];
    int[] offsets = new int[n + 1];
    long[] keys = new long[n * 2];
    for (int i = 0; i < n; i++) {
      boolean positive = random.nextDouble() < 0.3;
      boolean signal = random.nextDouble() < 0.9;
      long informative = (positive == signal) ? 1 : 2;
      long noise = 100 + random.nextInt(50);
      labels[i] = (byte) (positive ? 1 : 0);
      keys[2 * i] = informative;
      keys[2 * i + 1] = noise;
      offsets[i + 1] = 2 * i + 2;
    }
    return new Examples(labels, offsets, keys);
  }

  @Test
  void trainingThroughRealServersBeatsTheConstantPredictor() throws Exception {
    ServerStore[] stores = {new ServerStore(1), new ServerStore(1)};
    KVWorker kv = new KVWorker(0, new ConsistentHashRing(2, 16),
        List.of(new InProcessChannel(stores[0]), new InProcessChannel(stores[1])));
    LrSettings settings = lrSettings(new ObjectMapper().readTree(
        "{\"data\":\"x\",\"updater\":{\"type\":\"ftrl\",\"rate\":0.1},\"consistency\":{\"model\":\"sequential\"}}"));
    long bias = 1L << 24;
    kv.createTable(SparseLogisticRegression.TABLE, 1, settings.updaterSpec());
    Examples train = synthetic(20_000, 1);
    Trainer trainer = new Trainer(kv, bias, settings);
    int[] order = new int[train.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    // Each step pulls the next batch ahead; under sequential consistency that pull is answered
    // only after the step's own push and clock, so this must not deadlock.
    for (int from = 0; from < order.length; from += 100) {
      int to = Math.min(order.length, from + 100);
      trainer.step(train, order, from, to, to < order.length ? to : -1, Math.min(order.length, to + 100));
    }
    trainer.finish();
    Trainer strict = new Trainer(kv, bias, settings);
    strict.step(train, order, 0, 100, 100, 200);
    assertEquals("the prefetched batch is [100, 200), not [200, 300)", org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class, () -> strict.step(train, order, 200, 300)).getMessage());
    assertEquals(20_000, trainer.examplesSeen());
    Map<String, Double> test = SparseLogisticRegression.evaluate(kv, synthetic(5_000, 2), bias);
    double constant = -(0.3 * Math.log(0.3) + 0.7 * Math.log(0.7));
    assertTrue(test.get("test.logloss") < constant - 0.2, "logloss " + test.get("test.logloss") + " vs " + constant);
    assertTrue(test.get("test.auc") > 0.85, "auc " + test.get("test.auc"));
    assertTrue(test.get("test.accuracy") > 0.85, "accuracy " + test.get("test.accuracy"));
  }

  /** Writes {@code data} as {@code shards} shards of a split (example i to shard i mod shards). */
  static void writeShards(java.nio.file.Path dir, Examples data, byte split, int shards) throws Exception {
    for (int s = 0; s < shards; s++) {
      try (var out = java.nio.file.Files.newOutputStream(dir.resolve(
          dev.psyarn.mapreduce.shard.ShardFormat.fileName(split, s)));
          var writer = new dev.psyarn.mapreduce.shard.ShardWriter(out, s, shards, split, 1000)) {
        for (int i = s; i < data.size(); i += shards) {
          int first = data.offsets[i];
          long[] keys = java.util.Arrays.copyOfRange(data.keys, first, data.offsets[i + 1]);
          writer.write(data.labels[i], keys, null, keys.length);
        }
      }
    }
  }

  @Test
  void earlyStoppingKeepsTheBestEpochAndStopsAfterThePatience() {
    EarlyStopping stopping = new EarlyStopping(2);
    int[] copies = {0};
    EarlyStopping.ModelCopy model = new EarlyStopping.ModelCopy() {
      @Override
      public long[] keys() {
        copies[0]++;
        return new long[] {copies[0]};
      }

      @Override
      public float[] weights(long[] keys) {
        return new float[] {keys[0] * 10};
      }
    };
    double[] losses = {0.50, 0.40, 0.45, 0.41, 0.39};
    boolean[] stops = new boolean[losses.length];
    for (int e = 0; e < losses.length; e++) {
      stops[e] = stopping.scored(e, Map.of("test.logloss", losses[e]), model);
    }
    assertArrayEquals(new boolean[] {false, false, false, true, false}, stops,
        "two epochs without a better loss after epoch 2 (0.40): stop after epoch 4");
    assertEquals(4, stopping.bestEpoch(), "a later better epoch is the best again");
    assertEquals(3, copies[0], "the model is copied when an epoch is the best so far, and only then");
    assertArrayEquals(new float[] {30}, stopping.bestWeights());
  }

  @Test
  void aJobWithEarlyStoppingStopsAllWorkersTogetherAndWritesTheBestEpochsModel(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    // Few examples and a high rate: the noise features are learned and the test loss turns up.
    writeShards(dir, synthetic(200, 7), dev.psyarn.mapreduce.shard.ShardFormat.TRAIN, 2);
    writeShards(dir, synthetic(3_000, 8), dev.psyarn.mapreduce.shard.ShardFormat.TEST, 1);
    java.nio.file.Path modelFile = dir.resolve("model.bin");
    var config = new ObjectMapper().readTree("{\"type\":\"sparse-lr\",\"shards\":\"" + dir.toUri()
        + "\",\"model\":\"" + modelFile.toUri() + "\",\"epochs\":40,\"batchSize\":10,"
        + "\"updater\":{\"type\":\"sgd\",\"rate\":2.0},\"earlyStopping\":{\"patience\":2}}");
    InProcessJob.Outcome<LrResult> outcome = InProcessJob.run(app, config, 2, 2);
    LrResult first = outcome.results().get(0);
    int run = (int) first.get("train.epochsRun", 0);
    int best = (int) first.get("train.bestEpoch", 0);
    assertTrue(run < 40, "stopped early: " + first);
    assertEquals(run - 2, best, "stopped two epochs after the best: " + first);
    assertEquals(run, first.epochs().size(), "every epoch run was scored");
    assertEquals(best, first.epochs().get(best - 1).epoch());
    assertEquals(first.epochs().get(best - 1).logloss(), first.figures().get("test.logloss"),
        "the job's score is the best epoch's");
    for (LrResult.EpochScore e : first.epochs()) {
      assertTrue(e.logloss() >= first.figures().get("test.logloss"), "epoch " + e + ": " + first);
    }
    assertEquals(outcome.results().get(0).figures().get("train.examples"),
        outcome.results().get(1).figures().get("train.examples"),
        "every worker stopped after the same epoch");
    // What the heartbeats carried last: each worker's examples and a real training loss (once
    // always NaN: the loss was asked twice a point, and asking resets it), and worker 0's last scoring.
    for (int w = 0; w < 2; w++) {
      java.util.Map<String, Double> live = outcome.live().get(w);
      assertEquals(outcome.results().get(w).figures().get("train.examples"), live.get("train.examples"), "" + live);
      assertTrue(live.get("train.logloss") > 0 && live.get("train.logloss") < 5, "worker " + w + ": " + live);
    }
    assertEquals(run, outcome.live().get(0).get("test.epoch"), 0.0);
    assertEquals(first.epochs().get(run - 1).logloss(), outcome.live().get(0).get("test.logloss"), 0.0);
    // The model file is the best epoch's: scored again, it gives that epoch's test loss.
    LogisticModel model = LogisticModel.read(new org.apache.hadoop.conf.Configuration(),
        new org.apache.hadoop.fs.Path(modelFile.toUri()));
    Examples test = synthetic(3_000, 8);
    double logloss = 0;
    for (int i = 0; i < test.size(); i++) {
      long[] keys = java.util.Arrays.copyOfRange(test.keys, test.offsets[i], test.offsets[i + 1]);
      logloss += Metrics.logloss(model.predict(keys, keys.length), test.labels[i]);
    }
    assertEquals(first.figures().get("test.logloss"), logloss / test.size(), 1e-4, "the written model is the best epoch's");
  }

  @Test
  void onPiecesEveryPartIsTrainedOnceAnEpochWhoeverAsksAndWorkerZeroScoresTheEnd(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    writeShards(dir, synthetic(8_000, 5), dev.psyarn.mapreduce.shard.ShardFormat.TRAIN, 4);
    writeShards(dir, synthetic(2_000, 6), dev.psyarn.mapreduce.shard.ShardFormat.TEST, 1);
    var config = new ObjectMapper().readTree("{\"type\":\"sparse-lr\",\"shards\":\"" + dir.toUri()
        + "\",\"pieces\":4,\"epochs\":2,\"batchSize\":100,\"updater\":{\"type\":\"ftrl\",\"rate\":0.1}}");
    assertEquals(new dev.psyarn.ps.api.PieceLayout(2, 4), app.pieces(lrSettings(config), 2));
    assertEquals("eventual", lrSettings(config).consistency().model(),
        "workers come and go with pieces: no clock is waited for");
    InProcessJob.Outcome<LrResult> outcome = InProcessJob.run(app, config, 2, 2);
    Map<String, Object> summary = app.combine(lrSettings(config), outcome.results());
    assertEquals(8L, summary.get("train.pieces"), "2 epochs of 4 parts");
    assertEquals(16_000L, summary.get("train.examples"), "every example once an epoch");
    double constant = -(0.3 * Math.log(0.3) + 0.7 * Math.log(0.7));
    assertTrue((Double) summary.get("test.logloss") < constant - 0.2, "logloss " + summary.get("test.logloss"));
    assertEquals(2_000.0, outcome.results().get(0).figures().get("test.examples"));
    assertTrue(!outcome.results().get(1).has("test.logloss"), "only worker 0 scores");
  }

  @Test
  void aRedonePieceSkipsTheBatchesEveryServerHadAndServersDropAnyPushedAgain() throws Exception {
    ServerStore[] stores = {new ServerStore(2), new ServerStore(2)};
    LrSettings settings = lrSettings(new ObjectMapper().readTree(
        "{\"data\":\"x\",\"pieces\":4,\"updater\":{\"type\":\"sgd\",\"rate\":0.1}}"));
    Examples piece = synthetic(1_000, 7);
    int[] order = java.util.stream.IntStream.range(0, piece.size()).toArray();
    int origin = KVWorker.PIECE_ORIGINS + 3;
    long bias = 1L << 24;
    java.util.function.IntFunction<KVWorker> worker = index -> new KVWorker(index, new ConsistentHashRing(2, 16),
        List.of(new InProcessChannel(stores[0]), new InProcessChannel(stores[1])));
    // The first worker trains half the piece, then is lost.
    KVWorker lost = worker.apply(0);
    lost.createTable(SparseLogisticRegression.TABLE, 1, settings.updaterSpec());
    Trainer first = new Trainer(lost, bias, settings);
    first.startPiece(origin, lost.progress(origin).lastSeq());
    for (int from = 0; from < 500; from += 100) {
      first.step(piece, order, from, from + 100);
    }
    first.drain();
    float[] before = new float[1];
    lost.waitFor(lost.pull(SparseLogisticRegression.TABLE, new long[] {bias}, before));
    // Another worker is handed the piece: it goes on after the five batches every server has.
    KVWorker next = worker.apply(1);
    next.createTable(SparseLogisticRegression.TABLE, 1, settings.updaterSpec());
    assertEquals(5, next.progress(origin).lastSeq());
    Trainer second = new Trainer(next, bias, settings);
    second.startPiece(origin, next.progress(origin).lastSeq());
    for (int from = 0; from < 1_000; from += 100) {
      second.step(piece, order, from, from + 100);
    }
    second.finish();
    assertEquals(5, second.skippedSteps());
    assertEquals(500, second.examplesSeen(), "only the second half was trained again");
    assertEquals(10, next.progress(origin).lastSeq());
    float[] after = new float[1];
    next.waitFor(next.pull(SparseLogisticRegression.TABLE, new long[] {bias}, after));
    // A worker that redoes the whole piece without asking: every push is one the servers have.
    long dropped = stores[0].pushesDropped() + stores[1].pushesDropped();
    Trainer blind = new Trainer(next, bias, settings);
    blind.startPiece(origin, 0);
    for (int from = 0; from < 1_000; from += 100) {
      blind.step(piece, order, from, from + 100);
    }
    blind.finish();
    assertTrue(stores[0].pushesDropped() + stores[1].pushesDropped() >= dropped + 10,
        "each of the ten batches is dropped on the servers it reached");
    float[] still = new float[1];
    next.waitFor(next.pull(SparseLogisticRegression.TABLE, new long[] {bias}, still));
    assertEquals(after[0], still[0], "nothing applied twice");
    assertTrue(after[0] != before[0], "the second half moved the bias");
  }

  @Test
  void aWorkerCountsTheTimeItWaitsForTheServers() throws Exception {
    // One server answers at once, the other 40 ms late: every step waits for its batch's values.
    ServerStore store = new ServerStore(1);
    InProcessChannel direct = new InProcessChannel(store);
    dev.psyarn.ps.transport.PeerChannel slow = new dev.psyarn.ps.transport.PeerChannel() {
      @Override
      public java.util.concurrent.CompletableFuture<Object> call(Object request) {
        java.util.concurrent.CompletableFuture<Object> answer = direct.call(request);
        if (!(request instanceof dev.psyarn.ps.wire.DataMessages.Pull)) {
          return answer;
        }
        return answer.thenApplyAsync(a -> a, java.util.concurrent.CompletableFuture.delayedExecutor(
            40, java.util.concurrent.TimeUnit.MILLISECONDS));
      }

      @Override
      public void close() {}
    };
    LrSettings settings = lrSettings(new ObjectMapper().readTree(
        "{\"data\":\"x\",\"updater\":{\"type\":\"sgd\",\"rate\":0.1},\"consistency\":{\"model\":\"eventual\"}}"));
    long bias = 1L << 24;
    Examples train = synthetic(1_000, 3);
    int[] order = java.util.stream.IntStream.range(0, train.size()).toArray();
    double[] waited = new double[2];
    List<dev.psyarn.ps.transport.PeerChannel> channels = List.of(direct, slow);
    for (int c = 0; c < 2; c++) {
      KVWorker kv = new KVWorker(0, new ConsistentHashRing(1, 16), List.of(channels.get(c)));
      kv.createTable(SparseLogisticRegression.TABLE, 1, settings.updaterSpec());
      Trainer trainer = new Trainer(kv, bias, settings);
      for (int from = 0; from < order.length; from += 100) {
        trainer.step(train, order, from, from + 100);
      }
      trainer.finish();
      waited[c] = trainer.waitSeconds();
    }
    // Each 40 ms starts when the pull is sent; the batch's keys are indexed before the worker
    // waits, so a loaded machine may see a little less than 40 ms of each counted as waiting.
    assertTrue(waited[1] >= 10 * 0.030, "10 pulls answered 40 ms late: waited " + waited[1] + " s");
    assertTrue(waited[0] < waited[1] - 0.2, "in-process answers come at once: " + waited[0] + " vs " + waited[1]);
  }

  @Test
  void validationNamesTheFieldAndRelativeDataPathsResolveAgainstTheSpec() throws Exception {
    ObjectMapper json = new ObjectMapper();
    SpecException text = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> validate(SpecNode.root(
        json.readTree("{\"type\":\"sparse-lr\",\"data\":\"x\",\"updater\":{\"rate\":\"fast\"}}"))));
    assertEquals("app.updater.rate", text.field());
    assertTrue(text.getMessage().contains("must be a number, got \"fast\""), text.getMessage());
    SpecException badRule = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> validate(SpecNode.root(
        json.readTree("{\"type\":\"sparse-lr\",\"data\":\"x\",\"filters\":{\"compression\":\"zip\"}}"))));
    assertEquals("app.filters.compression", badRule.field());
    SpecNode bad = SpecNode.root(json.readTree("{\"type\":\"sparse-lr\",\"data\":\"x\",\"updater\":{\"type\":\"adam\"}}"));
    assertEquals("app.updater", org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> validate(bad)).field());
    SpecNode both = SpecNode.root(json.readTree("{\"type\":\"sparse-lr\",\"data\":\"x\",\"shards\":\"y\"}"));
    assertEquals("app.shards", org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> validate(both)).field());
    SpecNode target = SpecNode.root(json.readTree("{\"type\":\"sparse-lr\",\"data\":\"x\",\"targetLogloss\":-1}"));
    assertEquals("app.targetLogloss", org.junit.jupiter.api.Assertions.assertThrows(SpecException.class,
        () -> validate(target)).field());
    SpecNode bounded = SpecNode.root(json.readTree("{\"type\":\"sparse-lr\",\"data\":\"x\",\"pieces\":8,"
        + "\"consistency\":{\"model\":\"bounded\"}}"));
    SpecException noClocks = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> validate(bounded));
    assertEquals("app.consistency.model", noClocks.field());
    assertTrue(noClocks.getMessage().contains("must be eventual with pieces"), noClocks.getMessage());
    SpecNode negative = SpecNode.root(json.readTree("{\"type\":\"sparse-lr\",\"data\":\"x\",\"pieces\":-1}"));
    assertEquals("app.pieces", org.junit.jupiter.api.Assertions.assertThrows(SpecException.class,
        () -> validate(negative)).field());
    validate(SpecNode.root(json.readTree("{\"type\":\"sparse-lr\",\"data\":\"x\",\"pieces\":8,"
        + "\"consistency\":{\"model\":\"eventual\"}}")));
    for (String[] bad2 : new String[][] {
        {"\"earlyStopping\":{}", "is required"},
        {"\"earlyStopping\":{\"patience\":0}", "patience"},
        {"\"earlyStopping\":{\"patience\":2},\"pieces\":4", "drop pieces or earlyStopping"},
        {"\"earlyStopping\":{\"patience\":2},\"evalEveryEpoch\":false", "drop evalEveryEpoch: false"},
        {"\"earlyStopping\":{\"epochs\":2}", "epochs"}}) {
      SpecNode stopping = SpecNode.root(json.readTree("{\"type\":\"sparse-lr\",\"data\":\"x\"," + bad2[0] + "}"));
      SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> validate(stopping));
      assertTrue(e.field().startsWith("app.earlyStopping"), bad2[0] + ": " + e.field());
      assertTrue(e.getMessage().contains(bad2[1]), bad2[0] + ": " + e.getMessage());
    }
    validate(SpecNode.root(json.readTree("{\"type\":\"sparse-lr\",\"data\":\"x\",\"earlyStopping\":{\"patience\":3}}")));
    validate(SpecNode.root(json.readTree("{\"type\":\"sparse-lr\",\"data\":\"x\",\"targetLogloss\":0.451,"
        + "\"evalEveryEpoch\":false}")));
    ObjectNode section = (ObjectNode) json.readTree("{\"type\":\"sparse-lr\",\"data\":\"data/f.parquet\"}");
    app.resolvePaths(section, URI.create("file:/home/me/examples/"));
    assertEquals("file:/home/me/examples/data/f.parquet", section.get("data").asText());
    ObjectNode hdfs = (ObjectNode) json.readTree("{\"data\":\"hdfs://nn/data/f.parquet\"}");
    app.resolvePaths(hdfs, URI.create("file:/home/me/"));
    assertEquals("hdfs://nn/data/f.parquet", hdfs.get("data").asText());
  }

  /** Jackson stops at a section's first error; the user sees them all, each with its path, once. */
  @Test
  void everyErrorOfTheAppSectionIsReportedAtOnce() throws Exception {
    SpecNode many = SpecNode.root(new ObjectMapper().readTree("{\"type\":\"sparse-lr\",\"data\":\"x\","
        + "\"epochs\":0,\"dpeth\":3,\"updater\":{\"rate\":\"fast\"},\"filters\":{\"compression\":\"zip\"},"
        + "\"earlyStopping\":{},\"batchSize\":2.5}"));
    SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> validate(many));
    java.util.Map<String, String> byField = new java.util.TreeMap<>();
    for (SpecException one : e.all()) {
      byField.put(one.field(), one.reason());
    }
    assertEquals(java.util.Set.of("app.epochs", "app.dpeth", "app.updater.rate", "app.filters.compression",
        "app.earlyStopping.patience", "app.batchSize"), byField.keySet(), byField.toString());
    assertTrue(byField.get("app.epochs").contains("from 1 to 1000, got 0"), byField.toString());
    assertTrue(byField.get("app.dpeth").contains("unknown field"), byField.toString());
    assertTrue(byField.get("app.updater.rate").contains("must be a number, got \"fast\""), byField.toString());
    assertTrue(byField.get("app.earlyStopping.patience").contains("is required"), byField.toString());
    SpecNode one = SpecNode.root(new ObjectMapper().readTree("{\"type\":\"sparse-lr\",\"data\":\"x\",\"epochs\":0}"));
    assertEquals(1, org.junit.jupiter.api.Assertions.assertThrows(SpecException.class, () -> validate(one)).all().size(),
        "one error is one error");
  }

  @Test
  void modelFilesRoundTripAndBadFilesAreNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(false);
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve("m.model").toUri());
    new LogisticModel(20, 1L << 20, new long[] {3, 9}, new float[] {1f, -2f}).write(conf, file);
    LogisticModel read = LogisticModel.read(conf, file);
    assertEquals(2, read.size());
    assertEquals(20, read.hashBits());
    assertEquals(1 / (1 + Math.exp(1)), read.predict(new long[] {3, 9, 77}, 3), 1e-9, "bias 0 + 1 - 2 + unknown 0");

    byte[] bytes = java.nio.file.Files.readAllBytes(dir.resolve("m.model"));
    java.nio.file.Files.write(dir.resolve("short.model"), java.util.Arrays.copyOf(bytes, bytes.length - 3));
    java.io.IOException truncated = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> LogisticModel.read(conf, new org.apache.hadoop.fs.Path(dir.resolve("short.model").toUri())));
    assertTrue(truncated.getMessage().contains("short.model ends early"), truncated.getMessage());
    bytes[11] = 9;
    java.nio.file.Files.write(dir.resolve("v9.model"), bytes);
    java.io.IOException version = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> LogisticModel.read(conf, new org.apache.hadoop.fs.Path(dir.resolve("v9.model").toUri())));
    assertTrue(version.getMessage().contains("format version 9"), version.getMessage());
    java.nio.file.Files.writeString(dir.resolve("csv.model"), "row,probability\n");
    assertTrue(org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
        () -> LogisticModel.read(conf, new org.apache.hadoop.fs.Path(dir.resolve("csv.model").toUri())))
        .getMessage().contains("not a psyarn logistic regression model"));
  }

  @Test
  void summaryKeepsWorkerZerosTestMetricsAndEveryWorkersCurve() throws Exception {
    LrResult first = new LrResult();
    first.putAll(Map.of("test.logloss", 0.45, "test.auc", 0.75, "train.examples", 10.0, "train.seconds", 2.0,
        "train.secondsToTarget", 2.0, "train.epochsToTarget", 2.0));
    first.curve().add(new LrResult.CurvePoint(5, 0.5));
    first.epochs().add(new LrResult.EpochScore(1, 1.0, 0.47, 0.7));
    first.epochs().add(new LrResult.EpochScore(2, 2.0, 0.45, 0.75));
    LrResult second = new LrResult();
    second.putAll(Map.of("train.examples", 12.0, "train.seconds", 3.0));
    // As the AM gets them: each worker's result through its JSON.
    var job = dev.psyarn.ps.api.ConfiguredApp.of(app, lrSettings(new ObjectMapper().readTree("{\"data\":\"x\"}")));
    var combined = job.combine(List.of(job.toJson(first), job.toJson(second)));
    Map<String, Object> summary = combined.result();
    assertEquals(0.45, summary.get("test.logloss"));
    assertEquals(2.0, summary.get("train.secondsToTarget"));
    assertEquals(List.of(Map.of("epoch", 1, "seconds", 1.0, "logloss", 0.47, "auc", 0.7),
        Map.of("epoch", 2, "seconds", 2.0, "logloss", 0.45, "auc", 0.75)), summary.get("testCurve"));
    assertEquals(Map.of("worker0", List.of(List.of(5.0, 0.5)), "worker1", List.of()), summary.get("lossCurve"));
    assertEquals(22, ((Number) summary.get("train.examples")).intValue());
    assertEquals(3.0, summary.get("train.seconds"));
    assertTrue(combined.wrong().isEmpty());
    assertTrue(job.combine(List.of(job.toJson(second))).wrong().orElseThrow().contains("no test metrics"));
  }

  private void validate(SpecNode section) {
    dev.psyarn.ps.api.ConfiguredApp.of(app, section.json());
  }

  static LrSettings lrSettings(com.fasterxml.jackson.databind.JsonNode section) {
    return dev.psyarn.ps.api.ConfiguredApp.of(new SparseLogisticRegression(), section).settings();
  }
}
