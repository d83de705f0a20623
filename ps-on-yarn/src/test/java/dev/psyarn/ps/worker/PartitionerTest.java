package dev.psyarn.ps.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** What every partitioner must do, and how evenly consistent hashing spreads keys. */
class PartitionerTest {

  static double maxOverMean(Partitioner p, long[] keys) {
    long[] counts = new long[p.numServers()];
    for (long k : keys) {
      counts[p.serverOf(k)]++;
    }
    long max = 0;
    for (long c : counts) {
      max = Math.max(max, c);
    }
    return max / ((double) keys.length / p.numServers());
  }

  private static long[] denseIds(int n) {
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = i;
    }
    return keys;
  }

  @Test
  void everyPartitionerMapsEveryKeyToAServerAndAlwaysTheSameOne() {
    Random random = new Random(1);
    for (Partitioner p : new Partitioner[] {KeyRanges.even(5), new ConsistentHashRing(5, 32),
        Partitioner.create("consistent-hash", 5, 32), Partitioner.create("range", 5, 0)}) {
      for (int i = 0; i < 10_000; i++) {
        long key = random.nextLong();
        int s = p.serverOf(key);
        assertTrue(s >= 0 && s < 5, p + " mapped " + key + " to " + s);
        assertEquals(s, p.serverOf(key));
      }
      assertEquals(5, p.numServers());
    }
    assertEquals(new ConsistentHashRing(7, 16).serverOf(42), new ConsistentHashRing(7, 16).serverOf(42),
        "every worker and the AM compute the same ring");
  }

  @Test
  void aPositionBelongsToTheFirstPointAtOrAfterItWrappingAround() {
    Random random = new Random(4);
    for (int[] shape : new int[][] {{1, 1}, {2, 128}, {5, 32}, {64, 128}, {300, 128}}) {
      ConsistentHashRing ring = new ConsistentHashRing(shape[0], shape[1]);
      long[] points = ring.points();
      int[] owners = new int[points.length];
      for (int i = 0; i < points.length; i++) {
        owners[i] = ring.ownerAt(points[i]); // each point is its own first point at or after
      }
      java.util.List<Long> positions = new java.util.ArrayList<>(java.util.List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L));
      for (long point : points) {
        positions.add(point - 1);
        positions.add(point + 1);
      }
      for (int bits = 12; bits <= 20; bits++) { // the starts of arcs of every size the ring may use
        for (int arc = 0; arc < 1 << bits; arc += 1 + (1 << bits) / 1000) {
          long start = (long) (arc ^ (1 << (bits - 1))) << (64 - bits);
          positions.add(start);
          positions.add(start - 1);
        }
      }
      random.longs(20_000).forEach(positions::add);
      for (long position : positions) {
        int at = java.util.Arrays.binarySearch(points, position); // the first point at or after it
        at = at < 0 ? -at - 1 : at;
        int expected = owners[at == points.length ? 0 : at]; // past the last point: the first one's
        assertEquals(expected, ring.ownerAt(position), "position " + position + " on " + shape[0] + "x" + shape[1]);
      }
      for (int i = 1; i < points.length; i++) {
        assertTrue(points[i - 1] < points[i], "points ascend");
      }
    }
  }

  @Test
  void consistentHashingSpreadsDenseIdsAndRandomKeysEvenly() {
    // 54,229 dense ids: the number of distinct flights features (shared/data/README.md).
    ConsistentHashRing ring = new ConsistentHashRing(4, 128);
    double dense = maxOverMean(ring, denseIds(54_229));
    long[] random = new Random(2).longs(200_000).toArray();
    double hashed = maxOverMean(ring, random);
    assertTrue(dense < 1.15, "dense ids max/mean " + dense);
    assertTrue(hashed < 1.15, "random keys max/mean " + hashed);
    // Contiguous ranges cannot spread dense ids at all: they all fall into one range.
    assertEquals(4.0, maxOverMean(KeyRanges.even(4), denseIds(54_229)), 1e-9);
  }

  @Test
  void addingAServerMovesAboutItsShareOfKeys() {
    long[] keys = denseIds(100_000);
    ConsistentHashRing four = new ConsistentHashRing(4, 128);
    ConsistentHashRing five = new ConsistentHashRing(5, 128);
    int moved = 0;
    for (long k : keys) {
      int before = four.serverOf(k);
      int after = five.serverOf(k);
      if (before != after) {
        moved++;
        assertEquals(4, after, "a key only ever moves to the new server");
      }
    }
    double fraction = moved / (double) keys.length;
    assertTrue(fraction > 0.12 && fraction < 0.28, "moved " + fraction + ", expected about 1/5");
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ConsistentHashRing(0, 8));
    assertThrows(IllegalArgumentException.class, () -> new ConsistentHashRing(2, 0));
    assertThrows(IllegalArgumentException.class, () -> Partitioner.create("modulo", 2, 1));
  }
}
