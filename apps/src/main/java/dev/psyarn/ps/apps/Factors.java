package dev.psyarn.ps.apps;

import dev.psyarn.mapreduce.jobs.Dictionary;
import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A factorization machine's factors as the workers use them: {@code k} a key (0: logistic
 * regression, no factors), where they start ({@link Factorization#initial}, ±{@code initScale}),
 * and the keys that have none ({@code linearOnly}, sorted): features that take part in the score
 * by their weight alone, never in a pair.
 */
record Factors(int k, float initScale, long[] linearOnly) {

  /** Logistic regression's: a weight a key. */
  static final Factors NONE = new Factors(0, 0, new long[0]);

  /**
   * The factors of {@code settings}' job with {@code k} a key; with {@code linearOnly} feature
   * names, their keys are read from the preprocessing's statistics beside the shards.
   */
  static Factors of(LrSettings settings, int k, Configuration conf) throws IOException {
    if (k == 0) {
      return NONE;
    }
    long[] linearOnly = new long[0];
    if (!settings.linearOnly().isEmpty()) {
      try {
        linearOnly = Dictionary.keysOf(conf, new Path(settings.shards()).getParent(), settings.linearOnly());
      } catch (IOException e) {
        throw new IOException("app.linearOnly: " + e.getMessage(), e);
      }
    }
    return new Factors(k, settings.initScale().floatValue(), linearOnly);
  }

  /** Floats a key on the servers: the weight, then the factors. */
  int width() {
    return 1 + k;
  }

  /**
   * Turns the first {@code n} keys' parameters as the servers hold them into the values the model
   * uses: each key's initial factors added, a linear-only key's factors zero.
   */
  void complete(float[] params, long[] keys, int n) {
    if (k == 0) {
      return;
    }
    Factorization.addInitial(params, keys, n, width(), initScale);
    zeroFactors(params, keys, n);
  }

  /**
   * Zeroes the factor slots of the linear-only keys among the first {@code n}: their values where
   * the model is used, their gradients before a push (they have no factors to move).
   */
  void zeroFactors(float[] params, long[] keys, int n) {
    if (linearOnly.length == 0) {
      return;
    }
    int width = width();
    for (int u = 0; u < n; u++) {
      if (Arrays.binarySearch(linearOnly, keys[u]) >= 0) {
        Arrays.fill(params, u * width + 1, u * width + width, 0f);
      }
    }
  }
}
