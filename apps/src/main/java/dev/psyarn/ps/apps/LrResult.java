package dev.psyarn.ps.apps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code sparse-lr} worker reports: its figures by name ({@code train.examples},
 * {@code test.logloss} for worker 0, ...), its training loss curve and, for worker 0, the test
 * scores after each epoch. Filled while the worker trains.
 *
 * @param figures named figures
 * @param curve training loss points (examples seen, recent log loss)
 * @param epochs test scores after each epoch
 */
public record LrResult(Map<String, Double> figures, List<CurvePoint> curve, List<EpochScore> epochs) {

  public LrResult() {
    this(new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>());
  }

  /** A point of the training loss curve. */
  public record CurvePoint(double examples, double logloss) {}

  /** The test scores after epoch {@code epoch} (from 1), at {@code seconds} of training (scoring pauses excluded). */
  public record EpochScore(int epoch, double seconds, double logloss, double auc) {}

  void put(String figure, double value) {
    figures.put(figure, value);
  }

  void putAll(Map<String, Double> more) {
    figures.putAll(more);
  }

  boolean has(String figure) {
    return figures.containsKey(figure);
  }

  double get(String figure, double otherwise) {
    return figures.getOrDefault(figure, otherwise);
  }
}
