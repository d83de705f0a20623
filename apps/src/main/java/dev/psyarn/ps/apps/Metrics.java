package dev.psyarn.ps.apps;

/** Binary classification metrics: log loss, accuracy at 0.5, and AUC by the rank statistic. */
final class Metrics {

  private Metrics() {}

  static double logloss(double p, int label) {
    double q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
    return label == 1 ? -Math.log(q) : -Math.log(1 - q);
  }

  /** AUC of scores against labels: the probability a positive outranks a negative (ties count half). */
  static double auc(float[] scores, byte[] labels) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
    double rankSumPositives = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] == 1) {
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
