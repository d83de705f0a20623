package dev.psyarn.mapreduce.preprocess;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Turns a row into its label, its split and its features as the spec declares them. A feature's
 * text is {@code name=value}; a cross's value joins its parts' values with {@code |}. A missing
 * value leaves the feature out, or with {@code missing: value} is the feature {@code name=} (and
 * an empty part of a cross); a value of the wrong kind makes the row a bad record, and a bad
 * record gives no feature at all (every value is read before the first feature is given). The
 * texts are built as UTF-8 bytes in buffers the featurizer keeps ({@link BytesSink}): no string
 * a feature. One instance a task: it reuses its buffers and is not thread-safe.
 */
public final class Featurizer {

  /** Receives each feature of a row as a string. */
  @FunctionalInterface
  public interface Sink {
    void accept(String text, float value);
  }

  /**
   * Receives each feature of a row as the UTF-8 bytes of its text, which are valid during the call
   * only, with the index of the declared feature it is a value of.
   */
  @FunctionalInterface
  public interface BytesSink {
    void accept(int feature, byte[] text, int length, float value);
  }

  private static final byte[] EMPTY = new byte[0];
  private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);

  private final PreprocessSpec spec;
  private final FeatureSpec[] features;
  private final int[][] crossParts;
  /** "name=" of each feature, UTF-8. */
  private final byte[][] prefixes;
  /** Each feature's values of the current row: their bytes one after another, where each ends, its weight. */
  private final byte[][] pool;
  private final int[] poolUsed;
  private final int[][] ends;
  private final float[][] weights;
  private final int[] counts;
  /** "feature NAME", for the message of a value of the wrong kind. */
  private final String[] what;
  /** The columns of the rows seen last, and each feature's position among them. */
  private Row.Columns columnsSeen;
  private final int[] positions;
  /** A cross's value while it is joined, and the text given to the sink. */
  private byte[] join = new byte[128];
  private byte[] text = new byte[128];
  /** The features' families, counted as tuples ({@link #tuple}). */
  private final FeatureFamilies families;
  private byte[] tupleKey = new byte[64];

  public Featurizer(PreprocessSpec spec) {
    this.spec = spec;
    this.features = spec.features().toArray(new FeatureSpec[0]);
    int n = features.length;
    java.util.Map<String, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(features[i].name(), i);
    }
    crossParts = new int[n][];
    prefixes = new byte[n][];
    pool = new byte[n][64];
    poolUsed = new int[n];
    ends = new int[n][4];
    weights = new float[n][4];
    counts = new int[n];
    what = new String[n];
    positions = new int[n];
    for (int i = 0; i < n; i++) {
      crossParts[i] = features[i].cross().stream().mapToInt(index::get).toArray();
      prefixes[i] = (features[i].name() + "=").getBytes(StandardCharsets.UTF_8);
      what[i] = "feature " + features[i].name();
    }
    families = new FeatureFamilies(crossParts);
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

  /** Feeds every feature of the row to {@code sink}, as strings. */
  public void features(Row row, Sink sink) {
    features(row, (feature, bytes, length, value) -> sink.accept(new String(bytes, 0, length, StandardCharsets.UTF_8),
        value));
  }

  /** Feeds every feature of the row to {@code sink}, as the bytes of its text: {@link #read} then {@link #emit}. */
  public void features(Row row, BytesSink sink) {
    read(row);
    emit(sink);
  }

  /**
   * Reads every value of the row and joins its crosses, giving nothing yet; a value of the wrong
   * kind throws here, before {@link #emit} gives the row's first feature.
   */
  public void read(Row row) {
    if (row.columns() != columnsSeen) {
      resolve(row.columns());
    }
    for (int i = 0; i < features.length; i++) {
      counts[i] = 0;
      poolUsed[i] = 0;
      FeatureSpec f = features[i];
      if (f.kind() == FeatureSpec.Kind.CROSS) {
        cross(i, 0, 0, 1f);
      } else {
        read(i, f, row.values()[positions[i]]);
      }
    }
  }

  /** Gives every feature of the row {@link #read} last to {@code sink}, in the declared order. */
  public void emit(BytesSink sink) {
    for (int i = 0; i < features.length; i++) {
      emit(i, sink);
    }
  }

  private void emit(int i, BytesSink sink) {
    byte[] prefix = prefixes[i];
    int[] end = ends[i];
    for (int k = 0, from = 0; k < counts[i]; from = end[k++]) {
      int length = prefix.length + end[k] - from;
      if (text.length < length) {
        text = Arrays.copyOf(text, Math.max(length, text.length * 2));
      }
      System.arraycopy(prefix, 0, text, 0, prefix.length);
      System.arraycopy(pool[i], from, text, prefix.length, end[k] - from);
      sink.accept(i, text, length, weights[i][k]);
    }
  }

  /**
   * How many families the declared features make. A family is a cross and the features made of its
   * bases, the features it is made of that are not crosses ({@link FeatureFamilies}): its texts in a
   * row follow from those bases' values. Counting a family's row as one tuple of those values
   * ({@link #tuple}), and its texts once a tuple ({@link #expand}), gives the counts that counting
   * each text gives. A feature may be in no family.
   */
  public int families() {
    return families.size();
  }

  /** How many features are declared. */
  public int features() {
    return features.length;
  }

  /** How many features family {@code family}'s tuple stands for. */
  public int familySize(int family) {
    return families.members(family).length;
  }

  /** The family of feature {@code feature}, or -1 if it is in none. */
  public int family(int feature) {
    return families.of(feature);
  }

  /**
   * The tuple of family {@code family}'s base values in the row {@link #read} last, into the buffer
   * {@link #tupleBytes} gives: each value's length (a varint) and bytes, the bases in their declared
   * order. Returns its length, or -1 when a base has no value or more than one in this row (a
   * missing value, a text's words, a sparse vector): such a row's texts are counted one by one.
   */
  public int tuple(int family) {
    int at = 0;
    for (int b : families.bases(family)) {
      if (counts[b] != 1) {
        return -1;
      }
      int length = ends[b][0];
      if (tupleKey.length < at + 5 + length) {
        tupleKey = Arrays.copyOf(tupleKey, Math.max(at + 5 + length, 2 * tupleKey.length));
      }
      for (int v = length; ; v >>>= 7) {
        if (v < 0x80) {
          tupleKey[at++] = (byte) v;
          break;
        }
        tupleKey[at++] = (byte) (v & 0x7f | 0x80);
      }
      System.arraycopy(pool[b], 0, tupleKey, at, length);
      at += length;
    }
    return at;
  }

  /** The buffer {@link #tuple} writes into, valid until its next call. */
  public byte[] tupleBytes() {
    return tupleKey;
  }

  /**
   * Gives {@code sink} every text of family {@code family}'s features for the tuple {@link #tuple}
   * made ({@code key}'s first {@code length} bytes), each once, with value 1, as {@link #emit}
   * would have given them in a row of those values. Overwrites the row this featurizer read last.
   */
  public void expand(int family, byte[] key, int length, BytesSink sink) {
    int at = 0;
    for (int b : families.bases(family)) {
      int n = 0;
      for (int shift = 0; ; shift += 7) {
        byte x = key[at++];
        n |= (x & 0x7f) << shift;
        if (x >= 0) {
          break;
        }
      }
      poolUsed[b] = 0;
      counts[b] = 0;
      add(b, key, at, n, 1f);
      at += n;
    }
    if (at != length) {
      throw new IllegalArgumentException("a tuple of family " + family + " is " + length + " bytes, its values " + at);
    }
    for (int i : families.crosses(family)) {
      counts[i] = 0;
      poolUsed[i] = 0;
      cross(i, 0, 0, 1f);
    }
    for (int i : families.members(family)) {
      emit(i, sink);
    }
  }

  /** Looks up the features' columns once for each set of columns (an input's). */
  private void resolve(Row.Columns columns) {
    for (int i = 0; i < features.length; i++) {
      if (features[i].kind() != FeatureSpec.Kind.CROSS) {
        positions[i] = columns.position(features[i].column());
      }
    }
    columnsSeen = columns;
  }

  private void read(int i, FeatureSpec f, Object v) {
    if (v == null) {
      if (spec.missingAsValue()) {
        add(i, EMPTY, 0, 0, 1f);
      }
      return;
    }
    String what = this.what[i];
    switch (f.kind()) {
      case CATEGORICAL -> {
        if (v instanceof Row.SparseVector s) {
          for (int k = 0; k < s.indices().length; k++) {
            addNumber(i, s.indices()[k], s.values()[k]);
          }
        } else {
          addValue(i, v);
        }
      }
      case BUCKETS -> {
        double x = Expression.number(v, what);
        int bucket = Arrays.binarySearch(f.edges(), x);
        addNumber(i, bucket >= 0 ? bucket + 1 : -bucket - 1, 1f);
      }
      case LOG2 -> {
        double x = Expression.number(v, what);
        addNumber(i, Math.round(f.log2Scale() * Math.log(Math.max(x, 1)) / Math.log(2)), 1f);
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
        addNumber(i, part, 1f);
      }
      case TOKENS -> {
        String[] words = text(v).toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
        String previous = null;
        for (String w : words) {
          if (w.isEmpty()) {
            continue;
          }
          addText(i, w, 1f);
          if (f.ngrams() == 2 && previous != null) {
            addText(i, previous + "_" + w, 1f);
          }
          previous = w;
        }
      }
      default -> throw new IllegalStateException(f.kind().toString());
    }
  }

  /** Every combination of the parts' values from {@code part} on, after the {@code length} bytes joined so far. */
  private void cross(int i, int part, int length, float weight) {
    int[] parts = crossParts[i];
    int of = parts[part];
    int[] end = ends[of];
    for (int k = 0, from = 0; k < counts[of]; from = end[k++]) {
      int at = length;
      int valueLength = end[k] - from;
      if (join.length < at + 1 + valueLength) {
        join = Arrays.copyOf(join, Math.max(at + 1 + valueLength, join.length * 2));
      }
      if (part > 0) {
        join[at++] = '|';
      }
      System.arraycopy(pool[of], from, join, at, valueLength);
      at += valueLength;
      float w = weight * weights[of][k];
      if (part == parts.length - 1) {
        add(i, join, 0, at, w);
      } else {
        cross(i, part + 1, at, w);
      }
    }
  }

  /** Room for a value of {@code length} bytes more in feature {@code i}'s pool, and for its end and weight. */
  private void reserve(int i, int length) {
    if (pool[i].length < poolUsed[i] + length) {
      pool[i] = Arrays.copyOf(pool[i], Math.max(poolUsed[i] + length, pool[i].length * 2));
    }
    if (counts[i] == ends[i].length) {
      ends[i] = Arrays.copyOf(ends[i], counts[i] * 2);
      weights[i] = Arrays.copyOf(weights[i], counts[i] * 2);
    }
  }

  private void add(int i, byte[] bytes, int offset, int length, float weight) {
    reserve(i, length);
    System.arraycopy(bytes, offset, pool[i], poolUsed[i], length);
    end(i, poolUsed[i] + length, weight);
  }

  private void end(int i, int end, float weight) {
    poolUsed[i] = end;
    ends[i][counts[i]] = end;
    weights[i][counts[i]++] = weight;
  }

  /** A value's text ({@link #text}) without a string where it can. */
  private void addValue(int i, Object v) {
    if (v instanceof String s) {
      addText(i, s, 1f);
    } else if (v instanceof Long l) {
      addNumber(i, l, 1f);
    } else if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
      addNumber(i, d.longValue(), 1f);
    } else if (v instanceof Row.Timestamp t) {
      addNumber(i, t.micros(), 1f);
    } else if (v instanceof Boolean b) {
      byte[] bytes = b ? TRUE : FALSE;
      add(i, bytes, 0, bytes.length, 1f);
    } else {
      addText(i, text(v), 1f);
    }
  }

  /** A text's UTF-8 bytes; ASCII (most values) is copied without an array of its own. */
  private void addText(int i, String s, float weight) {
    int n = s.length();
    reserve(i, n);
    byte[] p = pool[i];
    int at = poolUsed[i];
    for (int c = 0; c < n; c++) {
      char ch = s.charAt(c);
      if (ch >= 0x80) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        add(i, bytes, 0, bytes.length, weight);
        return;
      }
      p[at + c] = (byte) ch;
    }
    end(i, at + n, weight);
  }

  /** A whole number's decimal digits, as {@link Long#toString(long)} writes them. */
  private void addNumber(int i, long x, float weight) {
    if (x == Long.MIN_VALUE) {
      addText(i, Long.toString(x), weight);
      return;
    }
    reserve(i, 20);
    byte[] p = pool[i];
    int at = poolUsed[i];
    if (x < 0) {
      p[at++] = '-';
      x = -x;
    }
    int digits = 1;
    for (long y = x; y >= 10; y /= 10) {
      digits++;
    }
    for (int d = at + digits - 1; d >= at; d--) {
      p[d] = (byte) ('0' + x % 10);
      x /= 10;
    }
    end(i, at + digits, weight);
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
