package dev.psyarn.mapreduce.flights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class FlightsFeaturesTest {

  /** The memoized keys are the hashes of the features' texts, row after row, repeated parts or not. */
  @Test
  void memoizedKeysAreTheTextsKeysOnEveryRow() {
    FlightsFeatures features = new FlightsFeatures(20);
    Random random = new Random(7);
    String[] airports = {"ORD", "LAX", "JFK", "SFO", "ATL", "DEN", "SEA", "BOS"};
    long[] keys = new long[FlightsFeatures.PER_ROW];
    long start = java.time.LocalDateTime.of(2001, 1, 1, 0, 0).toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000L;
    int hits = 0;
    for (int row = 0; row < 20_000; row++) {
      long micros = start + (long) random.nextInt(181 * 24 * 60) * 60_000_000L;
      int distance = random.nextInt(3000);
      String origin = airports[random.nextInt(airports.length)];
      String destination = airports[random.nextInt(airports.length)];
      int n = features.features(micros, distance, origin, destination, keys);

      java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(micros / 1_000_000L, 0, java.time.ZoneOffset.UTC);
      int bucket = (int) Math.round(2 * Math.log(Math.max(distance, 1)) / Math.log(2));
      TreeSet<Long> expected = new TreeSet<>();
      for (int g = 0; g < FlightsFeatures.PER_ROW; g++) {
        expected.add(features.key(FlightsFeatures.text(g, origin, destination, t.getHour(),
            t.getDayOfWeek().getValue() - 1, t.getDayOfMonth(), bucket)));
      }
      assertArrayEquals(expected.stream().mapToLong(Long::longValue).toArray(), Arrays.copyOf(keys, n),
          "row " + row + ": " + origin + "→" + destination + " at " + t);
      hits += n;
    }
    assertTrue(hits > 20_000 * 12, "thirteen keys a row, a collision aside: " + hits);
  }
}
