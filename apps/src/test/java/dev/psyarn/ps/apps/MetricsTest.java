package dev.psyarn.ps.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

  /** The definition: over every (positive, negative) pair, 1 when the positive scores higher, ½ on a tie. */
  private static double pairwiseAuc(float[] scores, byte[] labels) {
    double wins = 0;
    long pairs = 0;
    for (int p = 0; p < scores.length; p++) {
      for (int n = 0; n < scores.length; n++) {
        if (labels[p] == 1 && labels[n] == 0) {
          pairs++;
          wins += scores[p] > scores[n] ? 1 : scores[p] == scores[n] ? 0.5 : 0;
        }
      }
    }
    return wins / pairs;
  }

  @Test
  void aucIsThePairwiseDefinitionWithTiesNegativeScoresAndSignedZeros() {
    Random random = new Random(3);
    for (int round = 0; round < 20; round++) {
      int n = 50 + random.nextInt(400);
      float[] scores = new float[n];
      byte[] labels = new byte[n];
      for (int i = 0; i < n; i++) {
        // Few distinct values, so ties are many; both signs, and -0 beside 0.
        int v = random.nextInt(21) - 10;
        scores[i] = v == 0 && random.nextBoolean() ? -0f : v / 7f;
        labels[i] = (byte) (random.nextDouble() < 0.3 + 0.03 * v ? 1 : 0);
      }
      labels[0] = 1;
      labels[1] = 0;
      assertEquals(pairwiseAuc(scores, labels), Metrics.auc(scores, labels), 1e-12, "round " + round);
    }
  }

  @Test
  void aucOfOneClassIsNotANumber() {
    assertTrue(Double.isNaN(Metrics.auc(new float[] {0.2f, 0.9f}, new byte[] {1, 1})));
    assertEquals(1.0, Metrics.auc(new float[] {0.2f, 0.9f}, new byte[] {0, 1}), 1e-12);
  }
}
