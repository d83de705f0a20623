package dev.psyarn.mapreduce.preprocess;

import java.util.List;
import java.util.Map;

/**
 * One input record as named columns. Values are {@link Double}, {@link Long}, {@link String},
 * {@link Boolean}, {@link Timestamp}, {@link SparseVector} (libsvm) or null (absent).
 *
 * @param columns the column names shared by every row of one input, and their positions
 * @param values this row's values, by position
 */
public record Row(Columns columns, Object[] values) {

  /** Column names and their positions, built once per input. */
  public record Columns(List<String> names, Map<String, Integer> index) {
    public static Columns of(List<String> names) {
      Map<String, Integer> index = new java.util.HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        index.putIfAbsent(names.get(i), i);
      }
      return new Columns(List.copyOf(names), Map.copyOf(index));
    }

    /** The position of a column; a column the input does not have is a bad record, not a null. */
    public int position(String column) {
      Integer at = index.get(column);
      if (at == null) {
        throw new BadRecordException("has no column \"" + column + "\" (columns: " + String.join(", ", names) + ")");
      }
      return at;
    }
  }

  /** The value of a column; a column the input does not have is a bad record, not a null. */
  public Object get(String column) {
    return values[columns.position(column)];
  }

  /** The values by column, for a message: {@code {delay=22, origin=ORD}}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < values.length; i++) {
      b.append(i == 0 ? "" : ", ").append(columns.names().get(i)).append('=').append(values[i]);
    }
    return b.append('}').toString();
  }

  /** A timestamp as microseconds since 1970-01-01T00:00 of its own wall clock (no time zone). */
  public record Timestamp(long micros) {
    private static final long MICROS_PER_MINUTE = 60_000_000L;

    public long epochDay() {
      return Math.floorDiv(micros, MICROS_PER_MINUTE * 1440);
    }

    public int hour() {
      return (int) (Math.floorMod(Math.floorDiv(micros, MICROS_PER_MINUTE), 1440) / 60);
    }

    /** Monday = 0 (1970-01-01 was a Thursday). */
    public int weekday() {
      return (int) Math.floorMod(epochDay() + 3, 7);
    }

    public int dayOfMonth() {
      return java.time.LocalDate.ofEpochDay(epochDay()).getDayOfMonth();
    }

    public int month() {
      return java.time.LocalDate.ofEpochDay(epochDay()).getMonthValue();
    }

    public int year() {
      return java.time.LocalDate.ofEpochDay(epochDay()).getYear();
    }

    /** Parses {@code 2001-01-31}, {@code 2001-01-31T08:05}, {@code 2001-01-31 08:05:00[.fff]}. */
    public static Timestamp parse(String text) {
      String t = text.trim();
      try {
        if (t.length() == 10) {
          return new Timestamp(java.time.LocalDate.parse(t).toEpochDay() * 86_400_000_000L);
        }
        java.time.LocalDateTime dt = java.time.LocalDateTime.parse(t.replace(' ', 'T'));
        return new Timestamp(dt.toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000L + dt.getNano() / 1000);
      } catch (java.time.format.DateTimeParseException e) {
        throw new BadRecordException("\"" + text + "\" is not a timestamp (expected 2001-01-31 or 2001-01-31T08:05[:00])");
      }
    }
  }

  /** The sparse features of a libsvm line: indices with their values. */
  public record SparseVector(long[] indices, float[] values) {}
}
