package dev.psyarn.ps.apps;

import dev.psyarn.ps.worker.KVWorker;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The test split, ready to be scored again and again: its distinct keys (the bias included), and
 * for every feature of every example the index of its key among them, found once, so that a
 * scoring is one pull of the keys' weights and a pass over the examples.
 */
final class TestSet {

  private final Examples test;
  private final long[] keys;
  private final int[] index;
  private final int biasAt;

  TestSet(Examples test, long biasKey) {
    this.test = test;
    // One hash lookup a feature numbers the distinct keys as they come (a few ten thousand among
    // millions of features); sorting those few and renumbering costs less than sorting every
    // feature's key and searching it again.
    int features = test.keyCount();
    Examples.Numbering numbering = new Examples.Numbering();
    numbering.number(biasKey); // the bias is scored with every example, whether or not a feature has its key
    int[] seen = new int[features];
    for (int k = 0; k < features; k++) {
      seen[k] = numbering.number(test.key(k));
    }
    this.keys = numbering.finish(seen, features);
    this.index = seen;
    this.biasAt = Arrays.binarySearch(keys, biasKey);
  }

  int size() {
    return test.size();
  }

  long[] keysForTest() {
    return keys;
  }

  int[] indexForTest() {
    return index;
  }

  int biasAtForTest() {
    return biasAt;
  }

  /** Scores every test example with the servers' current weights. */
  Map<String, Double> score(KVWorker kv, int table) {
    return score(kv, table, Factors.NONE);
  }

  /** Scores every test example with the servers' current parameters: a factorization machine's with factors. */
  Map<String, Double> score(KVWorker kv, int table, Factors fm) {
    int factors = fm.k();
    int width = fm.width();
    float[] weights = new float[keys.length * width];
    kv.waitFor(kv.pull(table, keys, weights));
    fm.complete(weights, keys, keys.length);
    double[] sums = new double[factors];
    float bias = weights[biasAt * width];
    float[] scores = new float[test.size()];
    double loss = 0;
    long correct = 0;
    for (int i = 0; i < test.size(); i++) {
      double z = bias;
      if (factors > 0) {
        int first = test.offsets[i];
        z = Factorization.score(weights, width, biasAt, index, first, test, first, test.offsets[i + 1] - first, sums);
      } else {
        for (int k = test.offsets[i]; k < test.offsets[i + 1]; k++) {
          z += weights[index[k]] * test.value(k);
        }
      }
      double p = 1 / (1 + Math.exp(-z));
      scores[i] = (float) p;
      loss += Metrics.logloss(p, test.labels[i]);
      correct += (p >= 0.5 ? 1 : 0) == test.labels[i] ? 1 : 0;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("test.examples", (double) test.size());
    out.put("test.logloss", loss / test.size());
    out.put("test.accuracy", correct / (double) test.size());
    out.put("test.auc", Metrics.auc(scores, test.labels));
    out.put("model.keys", (double) keys.length);
    return out;
  }
}
