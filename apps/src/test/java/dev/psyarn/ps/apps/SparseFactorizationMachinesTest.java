package dev.psyarn.ps.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.psyarn.ps.api.InProcessJob;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** sparse-fm through the app as the workers run it: pairs learned, pairs kept out, its model file. */
class SparseFactorizationMachinesTest {

  private final SparseLogisticRegression app = new SparseLogisticRegression();

  /**
   * Two features whose pair decides the label (an XOR: a linear model cannot tell) and noise: a
   * factorization machine learns the pair through its factors; logistic regression on the same keys
   * stays near a coin. Both through the app as the workers run it, and FM's model file scores the
   * test split as the job did.
   */
  @Test
  void aFactorizationMachineLearnsAPairALinearModelCannot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    SparseLogisticRegressionTest.writeShards(dir, xor(6_000, 1), dev.psyarn.mapreduce.shard.ShardFormat.TRAIN, 2);
    Examples test = xor(2_000, 2);
    SparseLogisticRegressionTest.writeShards(dir, test, dev.psyarn.mapreduce.shard.ShardFormat.TEST, 1);
    java.nio.file.Path modelFile = dir.resolve("fm.model");
    String common = "\"shards\":\"" + dir.toUri() + "\",\"epochs\":4,\"batchSize\":50,"
        + "\"updater\":{\"type\":\"adagrad\",\"rate\":0.1}";
    var lr = InProcessJob.run(app, new ObjectMapper().readTree("{" + common + "}"), 2, 2).results().get(0).figures();
    var fm = InProcessJob.run(new SparseFactorizationMachines(), new ObjectMapper().readTree("{" + common
        + ",\"factors\":4,\"initScale\":0.1,\"model\":\"" + modelFile.toUri() + "\"}"), 2, 2).results().get(0).figures();
    assertTrue(lr.get("test.auc") < 0.6, "a linear model cannot see the pair: " + lr);
    assertTrue(fm.get("test.auc") > 0.8, "the factors do: " + fm);
    assertTrue(fm.get("test.logloss") < lr.get("test.logloss") - 0.1, fm + " vs " + lr);
    LogisticModel model = LogisticModel.read(new org.apache.hadoop.conf.Configuration(),
        new org.apache.hadoop.fs.Path(modelFile.toUri()));
    assertEquals(5, model.width(), "a weight and 4 factors a key");
    double logloss = 0;
    for (int i = 0; i < test.size(); i++) {
      long[] keys = java.util.Arrays.copyOfRange(test.keys, test.offsets[i], test.offsets[i + 1]);
      logloss += Metrics.logloss(model.predict(keys, keys.length), test.labels[i]);
    }
    assertEquals(fm.get("test.logloss"), logloss / test.size(), 1e-4, "the model file predicts as the job scored");
  }

  /**
   * The same pair with {@code linearOnly: [b]}: b's keys, found through the preprocessing's
   * statistics beside the shards, get no factors, so the pair is out of reach again, while a
   * linear-only noise feature changes nothing; the model file holds b's factors at zero.
   */
  @Test
  void aLinearOnlyFeatureTakesPartInNoPair(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path shards = java.nio.file.Files.createDirectories(dir.resolve("shards"));
    SparseLogisticRegressionTest.writeShards(shards, xor(6_000, 1), dev.psyarn.mapreduce.shard.ShardFormat.TRAIN, 2);
    SparseLogisticRegressionTest.writeShards(shards, xor(2_000, 2), dev.psyarn.mapreduce.shard.ShardFormat.TEST, 1);
    // A dictionary encoding: key = rank of the feature's text, so a=000..a=019 are keys 0..19,
    // b=020..b=099 keys 20..99 and n=100..n=199 (the noise) keys 100..199.
    java.nio.file.Path stats = java.nio.file.Files.createDirectories(dir.resolve("stats"));
    StringBuilder lines = new StringBuilder();
    for (int key = 199; key >= 0; key--) {
      lines.append(key < 20 ? "a" : key < 100 ? "b" : "n").append(String.format("=%03d\t%d%n", key, 5));
    }
    java.nio.file.Files.writeString(stats.resolve("part-r-00000"), lines);
    java.nio.file.Files.writeString(dir.resolve("preprocess.json"),
        "{\"keySpace\":200,\"encoding\":\"dictionary\",\"minCount\":1}");
    java.nio.file.Path modelFile = dir.resolve("fm.model");
    String common = "\"shards\":\"" + shards.toUri() + "\",\"epochs\":4,\"batchSize\":50,\"factors\":4,"
        + "\"initScale\":0.1,\"updater\":{\"type\":\"adagrad\",\"rate\":0.1}";
    var noise = InProcessJob.run(new SparseFactorizationMachines(), new ObjectMapper().readTree("{" + common
        + ",\"linearOnly\":[\"n\"]}"), 2, 2).results().get(0).figures();
    var pairless = InProcessJob.run(new SparseFactorizationMachines(), new ObjectMapper().readTree("{" + common
        + ",\"linearOnly\":[\"b\"],\"model\":\"" + modelFile.toUri() + "\"}"), 2, 2).results().get(0).figures();
    assertTrue(noise.get("test.auc") > 0.8, "the pair is learned with the noise linear only: " + noise);
    assertTrue(pairless.get("test.auc") < 0.6, "b has no factors, so no pair: " + pairless);
    LogisticModel model = LogisticModel.read(new org.apache.hadoop.conf.Configuration(),
        new org.apache.hadoop.fs.Path(modelFile.toUri()));
    int checked = 0;
    for (int u = 0; u < model.size(); u++) {
      long key = model.keys()[u];
      for (int f = 1; f < model.width(); f++) {
        float factor = model.weights()[u * model.width() + f];
        if (key >= 20 && key < 100) {
          assertEquals(0f, factor, "b's key " + key + " has no factors");
          checked++;
        } else if (key == 10) {
          assertTrue(factor != 0f, "a's factors are there");
        }
      }
    }
    assertEquals(2 * 4, checked, "b's two keys, 4 factors each");
    var unknown = assertThrows(Exception.class, () -> InProcessJob.run(new SparseFactorizationMachines(),
        new ObjectMapper().readTree("{" + common + ",\"linearOnly\":[\"dom\"]}"), 1, 1));
    String message = messages(unknown);
    assertTrue(message.contains("linearOnly") && message.contains("no feature named \"dom\"")
        && message.contains("[a, b, n]"), message);
  }

  /** The messages of an exception and its causes. */
  private static String messages(Throwable t) {
    StringBuilder all = new StringBuilder();
    for (Throwable cause = t; cause != null; cause = cause.getCause()) {
      all.append(cause).append(" / ");
    }
    return all.toString();
  }

  /** a ∈ {10, 11}, b ∈ {20, 21}, one noise key of 100..199: positive with 0.85 when (a = 10) = (b = 20), else 0.15. */
  private static Examples xor(int n, long seed) {
    Random random = new Random(seed);
    byte[] labels = new byte[n];
    int[] offsets = new int[n + 1];
    long[] keys = new long[3 * n];
    for (int i = 0; i < n; i++) {
      boolean a = random.nextBoolean();
      boolean b = random.nextBoolean();
      keys[3 * i] = a ? 10 : 11;
      keys[3 * i + 1] = b ? 20 : 21;
      keys[3 * i + 2] = 100 + random.nextInt(100);
      labels[i] = (byte) (random.nextDouble() < (a == b ? 0.85 : 0.15) ? 1 : 0);
      offsets[i + 1] = 3 * (i + 1);
    }
    return new Examples(labels, offsets, keys);
  }
}
