package dev.psyarn.mapreduce.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A row's keys sorted with their values, a key given twice summed. */
class ShardMapperSortTest {

  @Test
  void rowsOfEverySizeSortAndSumAsASortedMapWould() {
    Random random = new Random(11);
    // Key spaces of hashing (powers of two, as small as one key and as large as 2^62) and of dictionaries.
    for (long keySpace : new long[] {1, 2, 7, 31, 32, 33, 1000, 1L << 24, 54_229, 1L << 40, 1L << 62}) {
      ShardMapper.KeySort sort = new ShardMapper.KeySort(keySpace);
      for (int n : new int[] {0, 1, 2, 13, 100, 300}) {
        for (int trial = 0; trial < 100; trial++) {
          check(random, sort, keySpace, n, trial);
        }
      }
    }
  }

  @Test
  void equalKeysOfBinaryFeaturesAreSummed() {
    // What the encoder's bitmap gives back (equal keys share a bucket) is merged here.
    ShardMapper.KeySort sort = new ShardMapper.KeySort(1L << 24);
    long[] keys = {9, 1L << 20, 9, 3};
    float[] values = {1, 1, 1, 1};
    assertEquals(3, sort.sortAndMerge(keys, values, 4));
    assertArrayEquals(new long[] {3, 9, 1L << 20}, Arrays.copyOf(keys, 3));
    assertArrayEquals(new float[] {1, 2, 1}, Arrays.copyOf(values, 3));
  }

  private static void check(Random random, ShardMapper.KeySort sort, long keySpace, int n, int trial) {
    // Few distinct keys for some trials: many collisions, runs of equal keys.
    long bound = trial % 2 == 0 ? keySpace : Math.max(1, Math.min(keySpace, n / 3));
    long[] keys = random.longs(n, 0, bound).toArray();
    float[] values = new float[n];
    Map<Long, Float> expected = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      values[i] = trial % 3 == 0 ? 1f : random.nextInt(8) - 3; // whole numbers: sums exact in any order
      expected.merge(keys[i], values[i], Float::sum);
    }
    String given = keySpace + ": " + Arrays.toString(keys);
    int distinct = sort.sortAndMerge(keys, values, n);
    assertEquals(expected.size(), distinct, given);
    assertArrayEquals(expected.keySet().stream().mapToLong(Long::longValue).toArray(),
        Arrays.copyOf(keys, distinct), given);
    float[] sums = new float[distinct];
    int i = 0;
    for (float v : expected.values()) {
      sums[i++] = v;
    }
    assertArrayEquals(sums, Arrays.copyOf(values, distinct), given);
  }
}
