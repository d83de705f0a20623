package dev.psyarn.ps.apps;

/**
 * A factorization machine's score and gradient (Rendle 2010; DiFacto, Li et al. WSDM 2016) over
 * parameters laid out as the servers hold them: {@code width = 1 + k} floats a key, the linear
 * weight then k factors. With features x_i (values {@code data.value}) of keys i:
 *
 * <pre>
 * z = w_bias + Σ_i w_i x_i + ½ Σ_f [ (Σ_i v_if x_i)² − Σ_i v_if² x_i² ]
 * ∂z/∂w_i = x_i        ∂z/∂v_if = x_i (S_f − v_if x_i),  S_f = Σ_j v_jf x_j
 * </pre>
 *
 * The bias key's factors take no part. Factors start away from zero (where every factor's
 * gradient is zero) at a small value fixed by the key ({@link #initial}): the servers store the
 * difference, so that no worker has to be first to set a key.
 */
final class Factorization {

  private Factorization() {}

  /**
   * The score z of the example whose features are {@code data}'s occurrences {@code first ..
   * first + count}, their keys at {@code index[occurrence + j]} among {@code params} (width floats
   * each); {@code sums} (k long) receives S_f.
   */
  static double score(float[] params, int width, int biasAt, int[] index, int occurrence, Examples data, int first,
      int count, double[] sums) {
    int k = width - 1;
    java.util.Arrays.fill(sums, 0, k, 0);
    double z = params[biasAt * width];
    double squares = 0;
    for (int j = 0; j < count; j++) {
      int at = index[occurrence + j] * width;
      double x = data.value(first + j);
      z += params[at] * x;
      for (int f = 0; f < k; f++) {
        double vx = params[at + 1 + f] * x;
        sums[f] += vx;
        squares += vx * vx;
      }
    }
    double pairs = 0;
    for (int f = 0; f < k; f++) {
      pairs += sums[f] * sums[f];
    }
    return z + 0.5 * (pairs - squares);
  }

  /** Adds {@code residual} × ∂z/∂θ of the same example to {@code gradient} (laid out as {@code params}). */
  static void addGradient(float[] gradient, float[] params, int width, int biasAt, int[] index, int occurrence,
      Examples data, int first, int count, double[] sums, float residual) {
    int k = width - 1;
    gradient[biasAt * width] += residual;
    for (int j = 0; j < count; j++) {
      int at = index[occurrence + j] * width;
      double x = data.value(first + j);
      gradient[at] += (float) (residual * x);
      for (int f = 0; f < k; f++) {
        gradient[at + 1 + f] += (float) (residual * x * (sums[f] - params[at + 1 + f] * x));
      }
    }
  }

  /** Adds each key's initial factors to what the servers hold for it (the values the model uses). */
  static void addInitial(float[] params, long[] keys, int n, int width, float scale) {
    for (int u = 0; u < n; u++) {
      for (int f = 1; f < width; f++) {
        params[u * width + f] += initial(keys[u], f, scale);
      }
    }
  }

  /** Key {@code key}'s initial factor {@code f}: uniform in [−scale, scale), fixed by the key. */
  static float initial(long key, int f, float scale) {
    long z = key * 0x9e3779b97f4a7c15L + f * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    z ^= z >>> 31;
    return (float) (((z >>> 11) * 0x1.0p-53 * 2 - 1) * scale);
  }
}
