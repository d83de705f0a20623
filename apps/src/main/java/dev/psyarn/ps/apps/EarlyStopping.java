package dev.psyarn.ps.apps;

import dev.psyarn.ps.worker.KVWorker;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Early stopping for a learner, kept by worker 0: the test scores after each epoch, the model of
 * the best epoch so far (by test log loss, copied from the servers when it improves), and whether
 * {@code patience} epochs have gone by without an improvement. The other workers learn the
 * decision from a one-key control table on the servers after an epoch's barrier.
 */
final class EarlyStopping {

  /** The control table: key 0 holds the epoch after which the job stops (1-based), 0 while it goes on. */
  static final int CONTROL_TABLE = 1;
  /** Its pushes go out under this origin, numbered by epoch, apart from the worker's own numbering. */
  static final int CONTROL_ORIGIN = KVWorker.PIECE_ORIGINS - 1;
  private static final long[] STOP_KEY = {0};

  private final int patience;
  private int bestEpoch = -1;
  private double bestLogloss = Double.POSITIVE_INFINITY;
  private Map<String, Double> bestScores = Map.of();
  private long[] bestKeys;
  private float[] bestWeights;
  private int lastEpoch = -1;

  EarlyStopping(int patience) {
    if (patience < 1) {
      throw new IllegalArgumentException("patience must be at least 1 epoch, got " + patience);
    }
    this.patience = patience;
  }

  /**
   * Epoch {@code epoch} (from 0) scored {@code scores}; {@code model} copies the servers' model
   * when the epoch is the best so far. Returns whether to stop after it.
   */
  boolean scored(int epoch, Map<String, Double> scores, ModelCopy model) {
    lastEpoch = epoch;
    double logloss = scores.get("test.logloss");
    if (logloss < bestLogloss) {
      bestLogloss = logloss;
      bestEpoch = epoch;
      bestScores = new LinkedHashMap<>(scores);
      if (model != null) {
        bestKeys = model.keys();
        bestWeights = model.weights(bestKeys);
      }
    }
    return epoch - bestEpoch >= patience;
  }

  /** Copies the servers' model. */
  interface ModelCopy {
    long[] keys();

    float[] weights(long[] keys);
  }

  /** Copies table {@code table} from the servers: every key and its weight (and factors, as the model uses them). */
  static ModelCopy copyOf(KVWorker kv, int table, Factors fm) {
    return new ModelCopy() {
      @Override
      public long[] keys() {
        return kv.keys(table);
      }

      @Override
      public float[] weights(long[] keys) {
        float[] weights = new float[keys.length * fm.width()];
        kv.waitFor(kv.pull(table, keys, weights));
        fm.complete(weights, keys, keys.length);
        return weights;
      }
    };
  }

  /**
   * Worker 0 at the end: the job's scores are the best epoch's, its model file ({@code model},
   * "" for none) that epoch's model, and the results say which epoch won and how many ran.
   */
  void keepBest(LrResult results, String model, int hashBits, long biasKey,
      org.apache.hadoop.conf.Configuration conf) throws java.io.IOException {
    results.putAll(bestScores);
    results.put("train.bestEpoch", (double) (bestEpoch + 1));
    results.put("train.epochsRun", (double) (lastEpoch + 1));
    if (!model.isEmpty()) {
      int width = bestKeys.length == 0 ? 1 : bestWeights.length / bestKeys.length;
      new LogisticModel(hashBits, biasKey, bestKeys, bestWeights, width).write(conf, new org.apache.hadoop.fs.Path(model));
      results.put("model.written", (double) bestKeys.length);
    }
  }

  int bestEpoch() {
    return bestEpoch;
  }

  int lastEpoch() {
    return lastEpoch;
  }

  Map<String, Double> bestScores() {
    return bestScores;
  }

  long[] bestKeys() {
    return bestKeys;
  }

  float[] bestWeights() {
    return bestWeights;
  }

  /** Worker 0 tells the others to stop after {@code epoch}. */
  static void announce(KVWorker kv, int epoch) {
    kv.waitFor(kv.pushAs(CONTROL_ORIGIN, epoch + 1L, CONTROL_TABLE, STOP_KEY, new float[] {epoch + 1}));
  }

  /** Whether worker 0 has said to stop (read after the epoch's barrier, which it passes after announcing). */
  static boolean announced(KVWorker kv) {
    float[] out = new float[1];
    kv.waitFor(kv.pull(CONTROL_TABLE, STOP_KEY, out));
    return out[0] > 0;
  }
}
