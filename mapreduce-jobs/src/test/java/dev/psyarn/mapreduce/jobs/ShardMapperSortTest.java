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
    for (int n : new int[] {0, 1, 2, 13, 100}) {
      for (int trial = 0; trial < 200; trial++) {
        // Few distinct keys for some trials: many collisions, runs of equal keys.
        long bound = trial % 2 == 0 ? 1L << 24 : Math.max(1, n / 3);
        long[] keys = random.longs(n, 0, bound).toArray();
        float[] values = new float[n];
        Map<Long, Float> expected = new TreeMap<>();
        for (int i = 0; i < n; i++) {
          values[i] = trial % 3 == 0 ? 1f : random.nextInt(8) - 3; // whole numbers: sums exact in any order
          expected.merge(keys[i], values[i], Float::sum);
        }
        String given = Arrays.toString(keys);
        int distinct = ShardMapper.sortAndMerge(keys, values, n);
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
  }
}
