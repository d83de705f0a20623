package dev.psyarn.mapreduce.preprocess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a row into its label, its split and its features as the spec declares them. A feature's
 * text is {@code name=value}; a cross's value joins its parts' values with {@code |}. A missing
 * value leaves the feature out, or with {@code missing: value} is the feature {@code name=} (and
 * an empty part of a cross); a value of the wrong kind makes the row a bad record. One instance
 * a task: it reuses its buffers and is not thread-safe.
 */
public final class Featurizer {

  /** Receives each feature of a row. */
  @FunctionalInterface
  public interface Sink {
    void accept(String text, float value);
  }

  private final PreprocessSpec spec;
  private final FeatureSpec[] features;
  private final int[][] crossParts;
  private final List<List<String>> values = new ArrayList<>();
  private final float[][] weights;
  private final int[] counts;
  /** "feature NAME", for the message of a value of the wrong kind. */
  private final String[] what;

  public Featurizer(PreprocessSpec spec) {
    this.spec = spec;
    this.features = spec.features().toArray(new FeatureSpec[0]);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < features.length; i++) {
      index.put(features[i].name(), i);
      values.add(new ArrayList<>());
    }
    crossParts = new int[features.length][];
    for (int i = 0; i < features.length; i++) {
      crossParts[i] = features[i].cross().stream().mapToInt(index::get).toArray();
    }
    weights = new float[features.length][4];
    counts = new int[features.length];
    what = new String[features.length];
    for (int i = 0; i < features.length; i++) {
      what[i] = "feature " + features[i].name();
    }
  }

  /** 1 for a positive example, 0 otherwise. */
  public int label(Row row) {
    return spec.label().test(row) ? 1 : 0;
  }

  /**
   * Whether the row belongs to the test split. {@code rowId} identifies the row stably (its file
   * and position), for a fraction split.
   */
  public boolean isTest(Row row, long rowId) {
    PreprocessSpec.Split split = spec.split();
    if (split.test() != null) {
      return split.test().test(row);
    }
    long h = mix(rowId ^ (spec.seed() * 0x9E3779B97F4A7C15L));
    return (h >>> 11) * 0x1.0p-53 < split.testFraction();
  }

  /** Feeds every feature of the row to {@code sink}. */
  public void features(Row row, Sink sink) {
    for (int i = 0; i < features.length; i++) {
      FeatureSpec f = features[i];
      List<String> out = values.get(i);
      out.clear();
      counts[i] = 0;
      if (f.kind() == FeatureSpec.Kind.CROSS) {
        cross(i, 0, "", 1f);
      } else {
        read(i, f, row.get(f.column()));
      }
      for (int k = 0; k < out.size(); k++) {
        sink.accept(f.name() + "=" + out.get(k), weights[i][k]);
      }
    }
  }

  private void read(int i, FeatureSpec f, Object v) {
    if (v == null) {
      if (spec.missingAsValue()) {
        add(i, "", 1f);
      }
      return;
    }
    String what = this.what[i];
    switch (f.kind()) {
      case CATEGORICAL -> {
        if (v instanceof Row.SparseVector s) {
          for (int k = 0; k < s.indices().length; k++) {
            add(i, Long.toString(s.indices()[k]), s.values()[k]);
          }
        } else {
          add(i, text(v), 1f);
        }
      }
      case BUCKETS -> {
        double x = Expression.number(v, what);
        int bucket = Arrays.binarySearch(f.edges(), x);
        add(i, Integer.toString(bucket >= 0 ? bucket + 1 : -bucket - 1), 1f);
      }
      case LOG2 -> {
        double x = Expression.number(v, what);
        add(i, Long.toString(Math.round(f.log2Scale() * Math.log(Math.max(x, 1)) / Math.log(2))), 1f);
      }
      case TIME -> {
        Row.Timestamp t = Expression.timestamp(v, what);
        int part = switch (f.part()) {
          case "hour" -> t.hour();
          case "weekday" -> t.weekday();
          case "dayOfMonth" -> t.dayOfMonth();
          case "month" -> t.month();
          default -> t.year();
        };
        add(i, Integer.toString(part), 1f);
      }
      case TOKENS -> {
        String[] words = text(v).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
        String previous = null;
        for (String w : words) {
          if (w.isEmpty()) {
            continue;
          }
          add(i, w, 1f);
          if (f.ngrams() == 2 && previous != null) {
            add(i, previous + "_" + w, 1f);
          }
          previous = w;
        }
      }
      default -> throw new IllegalStateException(f.kind().toString());
    }
  }

  private void cross(int i, int part, String prefix, float weight) {
    int[] parts = crossParts[i];
    int of = parts[part];
    List<String> partValues = values.get(of);
    for (int k = 0; k < partValues.size(); k++) {
      String joined = part == 0 ? partValues.get(k) : prefix + "|" + partValues.get(k);
      float w = weight * weights[of][k];
      if (part == parts.length - 1) {
        add(i, joined, w);
      } else {
        cross(i, part + 1, joined, w);
      }
    }
  }

  private void add(int i, String value, float weight) {
    List<String> out = values.get(i);
    if (counts[i] == weights[i].length) {
      weights[i] = Arrays.copyOf(weights[i], counts[i] * 2);
    }
    weights[i][counts[i]++] = weight;
    out.add(value);
  }

  /** The text of a value: whole numbers without a fraction. */
  static String text(Object v) {
    if (v instanceof Double d) {
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
    }
    if (v instanceof Row.Timestamp t) {
      return Long.toString(t.micros());
    }
    return v.toString();
  }

  /** A 64-bit finalizer (MurmurHash3's fmix64): spreads a row id or a seed over all bits. */
  public static long mix(long z) {
    z ^= z >>> 33;
    z *= 0xff51afd7ed558ccdL;
    z ^= z >>> 33;
    z *= 0xc4ceb93fe53ef64fL;
    return z ^ (z >>> 33);
  }
}
