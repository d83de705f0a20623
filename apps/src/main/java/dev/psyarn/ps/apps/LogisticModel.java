package dev.psyarn.ps.apps;

import dev.psyarn.mapreduce.flights.FlightsFeatures;
import dev.psyarn.ps.store.TableFile;
import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A trained logistic regression model, in a {@link TableFile} (its tag: the flights features'
 * hashBits, 0 when keys come from preprocessed shards).
 */
public final class LogisticModel {

  private final int hashBits;
  private final long biasKey;
  private final long[] keys;
  private final float[] weights;

  /** Floats a key: 1, or 1 + k for a factorization machine ({@code sparse-fm}). */
  private final int width;

  LogisticModel(int hashBits, long biasKey, long[] keys, float[] weights) {
    this(hashBits, biasKey, keys, weights, 1);
  }

  LogisticModel(int hashBits, long biasKey, long[] keys, float[] weights, int width) {
    this.hashBits = hashBits;
    this.biasKey = biasKey;
    this.keys = keys;
    this.weights = weights;
    this.width = width;
  }

  /** Floats a key: 1 for logistic regression, 1 + factors for a factorization machine. */
  public int width() {
    return width;
  }

  /** The model's keys, ascending (not a copy). */
  public long[] keys() {
    return keys;
  }

  /** The keys' weights (not a copy). */
  public float[] weights() {
    return weights;
  }

  public int hashBits() {
    return hashBits;
  }

  public int size() {
    return keys.length;
  }

  /** The probability of the positive class for an example with these feature keys. */
  public double predict(long[] features, int count) {
    return predict(features, null, count);
  }

  /** The probability for an example with these keys and values ({@code values} null: all 1). */
  public double predict(long[] features, float[] values, int count) {
    double z = weight(biasKey, 0);
    int k = width - 1;
    double[] sums = new double[k];
    double squares = 0;
    for (int i = 0; i < count; i++) {
      int at = Arrays.binarySearch(keys, features[i]);
      if (at < 0) {
        continue; // a key never trained: weight and factors 0
      }
      double x = values == null ? 1f : values[i];
      z += weights[at * width] * x;
      for (int f = 0; f < k; f++) {
        double vx = weights[at * width + 1 + f] * x;
        sums[f] += vx;
        squares += vx * vx;
      }
    }
    for (int f = 0; f < k; f++) {
      z += 0.5 * sums[f] * sums[f];
    }
    z -= 0.5 * squares;
    return 1 / (1 + Math.exp(-z));
  }

  private float weight(long key, int at) {
    int i = Arrays.binarySearch(keys, key);
    return i >= 0 ? weights[i * width + at] : 0f;
  }

  /**
   * The model a checkpoint of a sparse-lr job holds (every server's file, see
   * {@code Checkpoints.readWhole}): table {@value SparseLogisticRegression#TABLE}'s weights as its
   * updater reads them, its largest key being the bias. Its keys are those of the shards it was
   * trained on (a checkpoint does not carry a hashed featurization).
   */
  public static LogisticModel fromCheckpoint(java.util.List<dev.psyarn.ps.store.ServerSnapshot> servers)
      throws IOException {
    java.util.TreeMap<Long, Float> all = new java.util.TreeMap<>();
    for (dev.psyarn.ps.store.ServerSnapshot s : servers) {
      for (dev.psyarn.ps.store.ServerSnapshot.Table t : s.tables()) {
        if (t.id() != SparseLogisticRegression.TABLE) {
          continue;
        }
        dev.psyarn.ps.update.Updater updater = t.updater().create();
        var image = t.image();
        float[] w = new float[image.width()];
        for (int i = 0; i < image.keys().length; i++) {
          updater.pull(image.slots(), i * image.slotWidth(), w, 0, image.width());
          all.put(image.keys()[i], w[0]);
        }
      }
    }
    if (all.isEmpty()) {
      throw new IOException("the checkpoint holds no table " + SparseLogisticRegression.TABLE
          + " of sparse-lr weights");
    }
    long[] keys = new long[all.size()];
    float[] weights = new float[keys.length];
    int i = 0;
    for (var e : all.entrySet()) {
      keys[i] = e.getKey();
      weights[i++] = e.getValue();
    }
    return new LogisticModel(0, keys[keys.length - 1], keys, weights);
  }

  /** Writes the model to any Hadoop file system, replacing what is there. */
  void write(Configuration conf, Path path) throws IOException {
    new TableFile(hashBits, biasKey, keys, weights, width).write(conf, path);
  }

  /**
   * Reads a model.
   *
   * @throws IOException naming the file and what is wrong with it
   */
  public static LogisticModel read(Configuration conf, Path path) throws IOException {
    TableFile file = TableFile.read(conf, path);
    return new LogisticModel(file.tag(), file.biasKey(), file.keys(), file.weights(), file.width());
  }

  /** The features this model was trained with. */
  public FlightsFeatures features() {
    if (hashBits == 0) {
      throw new IllegalArgumentException("this model was trained on preprocessed shards, not on flights Parquet "
          + "features: score shards with it (psyarn predict MODEL SHARD_DIR)");
    }
    return new FlightsFeatures(hashBits);
  }
}
