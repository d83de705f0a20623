package dev.psyarn.ps.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FactorizationTest {

  /** Three features with values, and the bias, among five keys of width 1 + 4. */
  private static final int WIDTH = 5;
  private static final Examples ONE = new Examples(new byte[] {1}, new int[] {0, 3}, new long[] {2, 5, 9},
      new float[] {1f, 0.5f, 2f}, 0);
  private static final int[] INDEX = {0, 2, 3};
  private static final int BIAS = 4;

  @Test
  void theScoreIsTheLinearPartPlusEveryPairsFactorProduct() {
    float[] params = random(7);
    double[] sums = new double[WIDTH - 1];
    double z = Factorization.score(params, WIDTH, BIAS, INDEX, 0, ONE, 0, 3, sums);
    double expected = params[BIAS * WIDTH];
    float[] x = {1f, 0.5f, 2f};
    for (int i = 0; i < 3; i++) {
      expected += params[INDEX[i] * WIDTH] * x[i];
      for (int j = i + 1; j < 3; j++) {
        for (int f = 1; f < WIDTH; f++) {
          expected += params[INDEX[i] * WIDTH + f] * params[INDEX[j] * WIDTH + f] * x[i] * x[j];
        }
      }
    }
    assertEquals(expected, z, 1e-5, "the O(kn) form equals the pairwise sum");
  }

  @Test
  void theGradientOfTheLogLossMatchesFiniteDifferences() {
    float[] params = random(11);
    double[] sums = new double[WIDTH - 1];
    double z = Factorization.score(params, WIDTH, BIAS, INDEX, 0, ONE, 0, 3, sums);
    double p = 1 / (1 + Math.exp(-z));
    float[] gradient = new float[params.length];
    Factorization.addGradient(gradient, params, WIDTH, BIAS, INDEX, 0, ONE, 0, 3, sums, (float) (p - 1));
    double h = 1e-3;
    int checked = 0;
    for (int i = 0; i < params.length; i++) {
      float saved = params[i];
      params[i] = (float) (saved + h);
      double up = loss(params);
      params[i] = (float) (saved - h);
      double down = loss(params);
      params[i] = saved;
      double numeric = (up - down) / (2 * h);
      assertEquals(numeric, gradient[i], 2e-3, "parameter " + i);
      checked += gradient[i] != 0 ? 1 : 0;
    }
    assertEquals(3 * WIDTH + 1, checked, "every feature's weight and factors, and the bias weight, move");
    assertEquals(0, gradient[1 * WIDTH], "a key the example lacks does not");
  }

  @Test
  void initialFactorsAreFixedByTheKeySmallAndNotAllEqual() {
    float a = Factorization.initial(42, 1, 0.01f);
    assertEquals(a, Factorization.initial(42, 1, 0.01f), "every worker computes the same");
    assertNotEquals(a, Factorization.initial(42, 2, 0.01f));
    assertNotEquals(a, Factorization.initial(43, 1, 0.01f));
    double sum = 0;
    for (long key = 0; key < 10_000; key++) {
      float v = Factorization.initial(key, 3, 0.01f);
      assertTrue(v >= -0.01f && v < 0.01f, "within the scale: " + v);
      sum += v;
    }
    assertEquals(0, sum / 10_000, 3e-4, "centred");
  }

  private static double loss(float[] params) {
    double z = Factorization.score(params, WIDTH, BIAS, INDEX, 0, ONE, 0, 3, new double[WIDTH - 1]);
    return Metrics.logloss(1 / (1 + Math.exp(-z)), 1);
  }

  private static float[] random(long seed) {
    Random random = new Random(seed);
    float[] params = new float[5 * WIDTH];
    for (int i = 0; i < params.length; i++) {
      params[i] = (float) (random.nextGaussian() * 0.5);
    }
    return params;
  }
}
