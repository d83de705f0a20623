package dev.psyarn.ps.apps;

/** Binary classification metrics: log loss, accuracy at 0.5, and AUC by the rank statistic. */
final class Metrics {

  private Metrics() {}

  static double logloss(double p, int label) {
    double q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
    return label == 1 ? -Math.log(q) : -Math.log(1 - q);
  }

  /**
   * AUC of scores against labels: the probability a positive outranks a negative (ties count half).
   * One sort of primitives: each score's bits, made to order as the floats do, packed above its
   * label (boxing the indices and sorting them through a comparator took a worker 0.3 s a scoring
   * of the flights test split).
   */
  static double auc(float[] scores, byte[] labels) {
    long[] ranked = new long[scores.length];
    for (int i = 0; i < scores.length; i++) {
      int bits = Float.floatToIntBits(scores[i] + 0f); // -0 as 0: equal scores are one tie
      bits ^= (bits >> 31) & 0x7fffffff; // negative floats: their bits order backwards
      ranked[i] = (long) bits << 1 | (labels[i] == 1 ? 1 : 0);
    }
    java.util.Arrays.sort(ranked);
    double rankSumPositives = 0;
    long positives = 0;
    int i = 0;
    while (i < ranked.length) {
      int j = i;
      while (j + 1 < ranked.length && ranked[j + 1] >> 1 == ranked[i] >> 1) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if ((ranked[k] & 1) == 1) {
          rankSumPositives += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = scores.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSumPositives - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }
}
