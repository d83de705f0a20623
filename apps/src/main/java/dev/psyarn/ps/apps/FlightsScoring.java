package dev.psyarn.ps.apps;

import dev.psyarn.mapreduce.flights.FlightsFeatures;
import dev.psyarn.mapreduce.flights.FlightsParquet;
import java.io.IOException;
import java.io.Writer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Scores a flights file with a model: metrics over the chosen split, and each row's probability. */
public final class FlightsScoring {

  /** Which rows to score. */
  public enum Split { ALL, TRAIN, TEST }

  private FlightsScoring() {}

  /** Logloss, AUC and accuracy of probabilities against labels. */
  public static Map<String, Object> metrics(float[] scores, byte[] labels) {
    double loss = 0;
    long correct = 0;
    for (int i = 0; i < scores.length; i++) {
      loss += Metrics.logloss(scores[i], labels[i]);
      correct += (scores[i] >= 0.5 ? 1 : 0) == labels[i] ? 1 : 0;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rowsScored", scores.length);
    out.put("logloss", scores.length == 0 ? Double.NaN : loss / scores.length);
    out.put("auc", Metrics.auc(scores, labels));
    out.put("accuracy", scores.length == 0 ? Double.NaN : correct / (double) scores.length);
    return out;
  }

  /**
   * Scores the rows of {@code split}; writes {@code row,probability,label} lines to {@code out}
   * when it is not null; returns rows, logloss, AUC and accuracy.
   */
  public static Map<String, Object> score(Configuration conf, LogisticModel model, Path data, Split split, Writer out)
      throws IOException {
    FlightsFeatures features = model.features();
    long[] row = new long[FlightsFeatures.PER_ROW];
    float[][] scores = {new float[1 << 16]};
    byte[][] labels = {new byte[1 << 16]};
    int[] n = {0};
    double[] loss = {0};
    long[] correct = {0};
    if (out != null) {
      out.write("row,probability,label\n");
    }
    long rows = FlightsParquet.read(conf, data, (index, micros, delay, distance, origin, destination) -> {
      boolean test = FlightsFeatures.isTest(micros);
      if (split == Split.TRAIN && test || split == Split.TEST && !test) {
        return;
      }
      int count = features.features(micros, distance, origin, destination, row);
      double p = model.predict(row, count);
      int label = FlightsFeatures.label(delay);
      if (n[0] == scores[0].length) {
        scores[0] = Arrays.copyOf(scores[0], n[0] * 2);
        labels[0] = Arrays.copyOf(labels[0], n[0] * 2);
      }
      scores[0][n[0]] = (float) p;
      labels[0][n[0]++] = (byte) label;
      loss[0] += Metrics.logloss(p, label);
      correct[0] += (p >= 0.5 ? 1 : 0) == label ? 1 : 0;
      if (out != null) {
        out.write(index + "," + (float) p + "," + label + "\n");
      }
    });
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("rowsRead", rows);
    metrics.put("rowsScored", n[0]);
    metrics.put("split", split.name().toLowerCase(java.util.Locale.ROOT));
    metrics.put("logloss", n[0] == 0 ? Double.NaN : loss[0] / n[0]);
    metrics.put("auc", Metrics.auc(Arrays.copyOf(scores[0], n[0]), Arrays.copyOf(labels[0], n[0])));
    metrics.put("accuracy", n[0] == 0 ? Double.NaN : correct[0] / (double) n[0]);
    metrics.put("modelKeys", model.size());
    return metrics;
  }

  /**
   * Scores preprocessed shards: the given {@code .shard} files, or under a directory those of
   * {@code split} ({@code test-*} for TEST, {@code train-*} for TRAIN, both for ALL).
   */
  public static Map<String, Object> scoreShards(Configuration conf, LogisticModel model, Path data, Split split,
      Writer out) throws IOException {
    org.apache.hadoop.fs.FileSystem fs = data.getFileSystem(conf);
    java.util.List<Path> files = new java.util.ArrayList<>();
    if (fs.getFileStatus(data).isDirectory()) {
      for (String prefix : split == Split.TEST ? new String[] {"test"} : split == Split.TRAIN
          ? new String[] {"train"} : new String[] {"train", "test"}) {
        org.apache.hadoop.fs.FileStatus[] found = fs.globStatus(new Path(data, prefix + "-*.shard"));
        java.util.List<Path> paths = new java.util.ArrayList<>();
        for (org.apache.hadoop.fs.FileStatus f : found == null ? new org.apache.hadoop.fs.FileStatus[0] : found) {
          paths.add(f.getPath());
        }
        paths.sort(null);
        files.addAll(paths);
      }
      if (files.isEmpty()) {
        throw new IOException("no " + split.name().toLowerCase(java.util.Locale.ROOT) + " shards under " + data);
      }
    } else {
      files.add(data);
    }
    Examples examples = Examples.fromShards(conf, files);
    float[] scores = new float[examples.size()];
    if (out != null) {
      out.write("row,probability,label\n");
    }
    long[] keys = new long[64];
    float[] values = new float[64];
    for (int i = 0; i < scores.length; i++) {
      int from = examples.offsets[i];
      int count = examples.offsets[i + 1] - from;
      if (count > keys.length) {
        keys = new long[count];
        values = new float[count];
      }
      System.arraycopy(examples.keys, from, keys, 0, count);
      for (int k = 0; k < count; k++) {
        values[k] = examples.value(from + k);
      }
      scores[i] = (float) model.predict(keys, values, count);
      if (out != null) {
        out.write(i + "," + scores[i] + "," + examples.labels[i] + "\n");
      }
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("shards", files.size());
    metrics.putAll(metrics(scores, examples.labels));
    metrics.put("modelKeys", model.size());
    return metrics;
  }
}
