package dev.psyarn.ps.apps;

import dev.psyarn.mapreduce.flights.FlightsFeatures;
import dev.psyarn.mapreduce.shard.ShardFormat;
import dev.psyarn.ps.api.WorkerContext;
import dev.psyarn.ps.worker.KVWorker;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Sparse logistic regression on pieces ({@code app.pieces: N}); see {@link #run}. */
final class LrOnPieces {

  private LrOnPieces() {}

  /**
   * The paper's worker management: the worker asks the AM for pieces (an epoch's part of the
   * training data), trains on each in minibatches pushed under the piece's own numbering, and asks
   * again once the piece's pushes are in. A piece redone after its worker was lost skips the
   * batches every server had applied, and a server drops any it has. When every piece is done,
   * worker 0 scores the test split (once: epochs are not this worker's to end).
   */
  static LrResult run(WorkerContext<LrSettings> context, LrSettings s, Factors fm) throws Exception {
    Configuration conf = new Configuration();
    boolean sharded = !s.shards().isEmpty();
    FlightsFeatures features = new FlightsFeatures(s.hashBits());
    long loadStart = System.nanoTime();
    TestSet test = null;
    long testBias = 1L << s.hashBits();
    long testBytes = 0;
    if (context.index() == 0) {
      Examples examples = sharded ? Examples.fromShards(conf, SparseLogisticRegression.testShards(conf, s.shards()))
          : Examples.load(conf, new Path(s.data()), features, true, 0, 1);
      testBias = sharded ? examples.keySpace : testBias;
      test = new TestSet(examples, testBias);
      testBytes = 2 * PartCache.bytes(examples); // the examples and the scoring index over them
    }
    long loadNanos = System.nanoTime() - loadStart;
    KVWorker kv = context.kv();
    kv.createTable(SparseLogisticRegression.TABLE, fm.width(), s.updaterSpec());
    PartCache parts = PartCache.forHeap(testBytes);
    LrResult results = new LrResult();
    Trainer trainer = null;
    long every = 0;
    int point = 0;
    int done = 0;
    long trainStart = System.nanoTime();
    for (int piece = context.pieces().next(-1); piece >= 0; piece = context.pieces().next(piece)) {
      int part = piece % s.pieces();
      long start = System.nanoTime();
      Examples data = parts.get(part, p -> sharded ? Examples.fromShards(conf, part(conf, s.shards(), p,
          s.pieces()), true) : Examples.load(conf, new Path(s.data()), features, false, p, s.pieces()).numbered());
      loadNanos += System.nanoTime() - start;
      if (trainer == null) {
        trainer = new Trainer(kv, sharded ? data.keySpace : 1L << s.hashBits(), s, fm);
        // A curve point every 1/curvePoints of this worker's expected share of the examples.
        every = Math.max(1, (long) s.epochs() * data.size() * s.pieces() / context.numWorkers() / s.curvePoints());
      }
      int origin = KVWorker.PIECE_ORIGINS + piece;
      trainer.startPiece(origin, kv.progress(origin).lastSeq());
      int[] order = new int[data.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      // The piece's own order: whoever does it (again) trains the same batches.
      SparseLogisticRegression.shuffle(order, new Random(s.seed() * 31 + piece));
      point = SparseLogisticRegression.pass(trainer, data, order, s.batchSize(), every, point, results, context.live());
      trainer.finish(); // the piece is done once its pushes are in
      done++;
    }
    double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
    results.put("train.examples", (double) (trainer == null ? 0 : trainer.examplesSeen()));
    results.put("train.seconds", trainSeconds);
    results.put("train.loadSeconds", loadNanos / 1e9);
    results.put("train.pieces", (double) done);
    results.put("train.partsLoaded", (double) parts.loads());
    if (trainer != null) {
      results.put("train.maxStaleness", (double) trainer.maxStaleness());
      results.put("train.waitSeconds", trainer.waitSeconds());
      results.put("train.resumedSteps", (double) trainer.skippedSteps());
      results.put("filter.updatesSent", (double) trainer.updatesSent());
      results.put("filter.updatesHeld", (double) trainer.updatesHeld());
    }
    if (test != null) {
      // Every piece is done (their pushes in): the model is final.
      SparseLogisticRegression.scoreAndWrite(kv, test, s, fm, trainSeconds, sharded, testBias, conf, results,
          context.live());
    }
    return results;
  }

  /**
   * Piece {@code part}'s training shard (every file of it); a missing one means the shards were cut
   * into fewer pieces.
   */
  static List<Path> part(Configuration conf, String dir, int part, int parts) throws java.io.IOException {
    try {
      return ShardFormat.parts(conf, new Path(dir), ShardFormat.TRAIN, part);
    } catch (java.io.FileNotFoundException e) {
      throw new java.io.IOException(e.getMessage() + " for part " + part + " of " + parts + " (app.pieces): "
          + "the shards under " + dir + " were cut into fewer parts; preprocess with pieces: " + parts);
    }
  }

}
