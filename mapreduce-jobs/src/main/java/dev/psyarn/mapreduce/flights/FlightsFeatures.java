package dev.psyarn.mapreduce.flights;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.hadoop.util.hash.Hash;
import org.apache.hadoop.util.hash.MurmurHash;

/**
 * The features of the standard task: label {@code delay >= 15}; binary features of the departure
 * hour h, weekday w (Mon = 0), day of month, origin o, destination d, route o-d and distance bucket
 * {@code round(2 log2(max(distance, 1)))}, plus the crosses o×h, d×h, r×h, h×w, o×w, d×w: 13 a row.
 * Each feature is hashed into {@code 2^hashBits} keys (Hadoop's MurmurHash of its text). The timestamp is
 * local wall-clock time stored as if UTC: decoded with UTC arithmetic, never the machine's zone.
 */
public final class FlightsFeatures {

  /** Features a row. */
  public static final int PER_ROW = 13;
  private static final long MICROS_PER_MINUTE = 60_000_000L;

  private final int hashBits;
  private final long mask;

  public FlightsFeatures(int hashBits) {
    if (hashBits < 16 || hashBits > 30) {
      throw new IllegalArgumentException("hashBits must be from 16 to 30, got " + hashBits);
    }
    this.hashBits = hashBits;
    this.mask = (1L << hashBits) - 1;
  }

  public int hashBits() {
    return hashBits;
  }

  /** The label of a flight: 1 if it was 15 minutes late or more. */
  public static int label(int delayMinutes) {
    return delayMinutes >= 15 ? 1 : 0;
  }

  /** Whether a flight belongs to the test split: June or later (the 6 flights of July 1, 00:00 included). */
  public static boolean isTest(long timestampMicros) {
    return monthOf(timestampMicros) >= 6;
  }

  /**
   * Writes the row's 13 keys, sorted and distinct (a collision merges two), into {@code keys};
   * returns how many.
   */
  public int features(long timestampMicros, int distance, String origin, String destination, long[] keys) {
    long minutes = Math.floorDiv(timestampMicros, MICROS_PER_MINUTE);
    long days = Math.floorDiv(minutes, 1440);
    int hour = (int) (Math.floorMod(minutes, 1440) / 60);
    int weekday = (int) Math.floorMod(days + 3, 7); // 1970-01-01 was a Thursday: Mon = 0
    int dayOfMonth = java.time.LocalDate.ofEpochDay(days).getDayOfMonth();
    int bucket = (int) Math.round(2 * Math.log(Math.max(distance, 1)) / Math.log(2));
    String route = origin + "-" + destination;
    String[] texts = {
        "o=" + origin, "d=" + destination, "r=" + route, "h=" + hour, "w=" + weekday, "dom=" + dayOfMonth,
        "db=" + bucket, "oh=" + origin + "|" + hour, "dh=" + destination + "|" + hour, "rh=" + route + "|" + hour,
        "hw=" + hour + "|" + weekday, "ow=" + origin + "|" + weekday, "dw=" + destination + "|" + weekday};
    for (int i = 0; i < PER_ROW; i++) {
      keys[i] = hash(texts[i]) & mask;
    }
    Arrays.sort(keys, 0, PER_ROW);
    int n = 1;
    for (int i = 1; i < PER_ROW; i++) {
      if (keys[i] != keys[n - 1]) {
        keys[n++] = keys[i];
      }
    }
    return n;
  }

  /** The key of one feature's text, as {@link #features} hashes it. */
  public long key(String text) {
    return hash(text) & mask;
  }

  static int monthOf(long timestampMicros) {
    long days = Math.floorDiv(Math.floorDiv(timestampMicros, MICROS_PER_MINUTE), 1440);
    return java.time.LocalDate.ofEpochDay(days).getMonthValue();
  }

  private static final Hash MURMUR = MurmurHash.getInstance();

  /** A stable hash of the feature's text. */
  static long hash(String text) {
    return MURMUR.hash(text.getBytes(StandardCharsets.UTF_8), 0x5053) & 0xffffffffL;
  }
}
