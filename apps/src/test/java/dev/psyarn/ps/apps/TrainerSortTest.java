package dev.psyarn.ps.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrainerSortTest {

  /** Packs random keys below 2^keyBits with their positions and checks the radix sort against Arrays.sort. */
  private static void agreesWithArraysSort(int n, int keyBits, long seed) {
    Random random = new Random(seed);
    long[] a = new long[n + 3];
    long max = 0;
    for (int i = 0; i < n; i++) {
      long key = keyBits == 0 ? 0 : (random.nextLong() >>> (64 - keyBits));
      if (random.nextInt(4) == 0 && i > 0) {
        key = a[random.nextInt(i)] >>> 20; // repeated keys, as features repeat in a batch
      }
      max = Math.max(max, key);
      a[i] = key << 20 | i;
    }
    long[] expected = Arrays.copyOf(a, n);
    Arrays.sort(expected);
    long[] sorted = Trainer.sortPacked(a, new long[n + 3], n, 20, max, new int[1 << 12]);
    assertArrayEquals(expected, Arrays.copyOf(sorted, n), n + " pairs of " + keyBits + "-bit keys");
  }

  @Test
  void radixSortOfPackedPairsAgreesWithArraysSort() {
    for (int keyBits : new int[] {0, 1, 5, 12, 13, 24, 25, 36, 43}) {
      for (int n : new int[] {1, 2, 100, 26_001}) {
        agreesWithArraysSort(n, keyBits, keyBits * 31L + n);
      }
    }
  }
}
