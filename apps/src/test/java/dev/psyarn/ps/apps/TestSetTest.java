package dev.psyarn.ps.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class TestSetTest {

  /** Examples of 1–14 sorted keys each, from a small key space so that keys repeat across examples. */
  private static Examples examples(Random random, int rows, long space) {
    byte[] labels = new byte[rows];
    int[] offsets = new int[rows + 1];
    long[] keys = new long[rows * 14];
    int at = 0;
    for (int i = 0; i < rows; i++) {
      TreeSet<Long> row = new TreeSet<>();
      int n = 1 + random.nextInt(14);
      while (row.size() < n) {
        row.add((long) random.nextInt((int) space) * 7919);
      }
      for (long k : row) {
        keys[at++] = k;
      }
      offsets[i + 1] = at;
      labels[i] = (byte) random.nextInt(2);
    }
    return new Examples(labels, offsets, Arrays.copyOf(keys, at));
  }

  @Test
  void everyFeaturePointsAtItsKeyAmongTheSortedDistinctKeysWithTheBias() {
    Random random = new Random(42);
    for (long bias : new long[] {7919L * 3, 1L << 40}) { // a key the examples use, and one above them all
      Examples test = examples(random, 5_000, 2_000);
      TestSet set = new TestSet(test, bias);
      TreeSet<Long> expected = new TreeSet<>();
      for (int k = 0; k < test.keyCount(); k++) {
        expected.add(test.keys[k]);
      }
      expected.add(bias);
      long[] keys = set.keysForTest();
      assertArrayEquals(expected.stream().mapToLong(Long::longValue).toArray(), keys, "sorted, distinct, the bias in");
      int[] index = set.indexForTest();
      assertEquals(test.keyCount(), index.length);
      for (int k = 0; k < index.length; k++) {
        assertEquals(test.keys[k], keys[index[k]], "feature " + k);
      }
      assertEquals(bias, keys[set.biasAtForTest()]);
    }
  }

  @Test
  void aSetOfOneExampleHoldsItsKeysAndTheBias() {
    Examples one = new Examples(new byte[] {1}, new int[] {0, 3}, new long[] {5, 9, 12});
    TestSet set = new TestSet(one, 100);
    assertArrayEquals(new long[] {5, 9, 12, 100}, set.keysForTest());
    assertArrayEquals(new int[] {0, 1, 2}, set.indexForTest());
    assertEquals(3, set.biasAtForTest());
    assertTrue(set.size() == 1);
  }
}
