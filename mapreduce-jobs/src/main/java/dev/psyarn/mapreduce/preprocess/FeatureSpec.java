package dev.psyarn.mapreduce.preprocess;

import java.util.List;

/**
 * One declared feature: a column read one of several ways, or a cross of features declared
 * before it. Each row gives a feature zero or more values; the feature's text is
 * {@code name=value} (crosses join their parts' values with {@code |}).
 *
 * @param name the feature's name, unique in the spec
 * @param kind how the value is made
 * @param column the column read (null for a cross)
 * @param edges fixed bucket edges, ascending ({@link Kind#BUCKETS})
 * @param log2Scale {@code round(scale * log2(max(x, 1)))} buckets when above zero ({@link Kind#LOG2})
 * @param part the timestamp part ({@link Kind#TIME})
 * @param ngrams 1 for words, 2 for words and word pairs ({@link Kind#TOKENS})
 * @param cross the names of the crossed features ({@link Kind#CROSS})
 */
public record FeatureSpec(String name, Kind kind, String column, double[] edges, double log2Scale, String part,
    int ngrams, List<String> cross) {

  /** How a feature's value is made. */
  public enum Kind {
    /** The column's value as it is (libsvm's sparse column: each index with its value). */
    CATEGORICAL,
    /** The index of the bucket a number falls in, between fixed edges. */
    BUCKETS,
    /** {@code round(scale * log2(max(x, 1)))}. */
    LOG2,
    /** A part of a timestamp: hour, weekday (Monday 0), dayOfMonth, month, year. */
    TIME,
    /** Lowercased words of a text column (and adjacent pairs when ngrams is 2). */
    TOKENS,
    /** Every combination of the crossed features' values. */
    CROSS
  }

  /** The timestamp parts a {@link Kind#TIME} feature can take. */
  public static final List<String> PARTS = List.of("hour", "weekday", "dayOfMonth", "month", "year");

  public FeatureSpec {
    cross = cross == null ? List.of() : List.copyOf(cross);
  }
}
