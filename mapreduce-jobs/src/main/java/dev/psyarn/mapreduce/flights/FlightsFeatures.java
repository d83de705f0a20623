package dev.psyarn.mapreduce.flights;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.hadoop.util.hash.Hash;
import org.apache.hadoop.util.hash.MurmurHash;

/**
 * The features of the standard task: label {@code delay >= 15}; binary features of the departure
 * hour h, weekday w (Mon = 0), day of month, origin o, destination d, route o|d and distance bucket
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
   * returns how many. Each feature's text is hashed once and its key kept by the ids of its parts
   * (airports, routes, hour, ...): millions of rows hash a few hundred thousand texts. Not thread-safe:
   * one instance a thread.
   */
  public int features(long timestampMicros, int distance, String origin, String destination, long[] keys) {
    long minutes = Math.floorDiv(timestampMicros, MICROS_PER_MINUTE);
    long days = Math.floorDiv(minutes, 1440);
    int hour = (int) (Math.floorMod(minutes, 1440) / 60);
    int weekday = (int) Math.floorMod(days + 3, 7); // 1970-01-01 was a Thursday: Mon = 0
    int dayOfMonth = java.time.LocalDate.ofEpochDay(days).getDayOfMonth();
    int bucket = (int) Math.round(2 * Math.log(Math.max(distance, 1)) / Math.log(2));
    int o = airport(origin);
    int d = airport(destination);
    // (o << 20 | d): Long's hash folds the high word onto the low one, so o << 32 | d would collide
    int r = routes.computeIfAbsent((long) o << 20 | d, k -> routes.size());
    int[] index = {o, d, r, hour, weekday, dayOfMonth, bucket, o * 24 + hour, d * 24 + hour, r * 24 + hour,
        hour * 7 + weekday, o * 7 + weekday, d * 7 + weekday};
    for (int g = 0; g < PER_ROW; g++) {
      long[] cache = memo[g];
      int i = index[g];
      if (i >= cache.length) {
        int size = Math.max(i + 1, cache.length * 2);
        long[] grown = Arrays.copyOf(cache, size);
        Arrays.fill(grown, cache.length, size, -1L);
        memo[g] = cache = grown;
      }
      if (cache[i] < 0) {
        cache[i] = hash(text(g, origin, destination, hour, weekday, dayOfMonth, bucket)) & mask;
      }
      keys[g] = cache[i];
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

  /** Feature {@code group}'s text for a row's parts: the spec's names and cross texts, routes as o|d. */
  static String text(int group, String origin, String destination, int hour, int weekday, int dayOfMonth,
      int bucket) {
    String route = origin + "|" + destination; // as the spec's cross [o, d] writes it: the same keys
    return switch (group) {
      case 0 -> "o=" + origin;
      case 1 -> "d=" + destination;
      case 2 -> "r=" + route;
      case 3 -> "h=" + hour;
      case 4 -> "w=" + weekday;
      case 5 -> "dom=" + dayOfMonth;
      case 6 -> "db=" + bucket;
      case 7 -> "oh=" + origin + "|" + hour;
      case 8 -> "dh=" + destination + "|" + hour;
      case 9 -> "rh=" + route + "|" + hour;
      case 10 -> "hw=" + hour + "|" + weekday;
      case 11 -> "ow=" + origin + "|" + weekday;
      case 12 -> "dw=" + destination + "|" + weekday;
      default -> throw new IllegalArgumentException("no feature group " + group);
    };
  }

  /** Memoized keys by group and the index of the group's parts (-1: not hashed yet). */
  private final long[][] memo = new long[PER_ROW][];
  private final java.util.Map<String, Integer> airports = new java.util.HashMap<>();
  private final java.util.Map<Long, Integer> routes = new java.util.HashMap<>();

  {
    for (int g = 0; g < PER_ROW; g++) {
      memo[g] = new long[0];
    }
  }

  private int airport(String code) {
    Integer id = airports.get(code);
    if (id == null) {
      id = airports.size();
      airports.put(code, id);
    }
    return id;
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
