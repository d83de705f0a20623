package dev.psyarn.ps.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyValueTableTest {

  @Test
  void addAccumulatesAndMissingKeysReadAsZero() {
    KeyValueTable t = new KeyValueTable(2);
    t.add(new long[] {7, 9}, new float[] {1, 2, 3, 4});
    t.add(new long[] {9}, new float[] {10, 20});
    float[] out = new float[6];
    t.get(new long[] {7, 8, 9}, out);
    assertArrayEquals(new float[] {1, 2, 0, 0, 13, 24}, out);
    assertEquals(2, t.size());
  }

  @Test
  void growsPastItsInitialCapacity() {
    KeyValueTable t = new KeyValueTable(3);
    int n = 5000;
    long[] keys = new long[n];
    float[] values = new float[n * 3];
    for (int i = 0; i < n; i++) {
      keys[i] = i * 1_000_003L;
      values[i * 3 + 2] = i;
    }
    t.add(keys, values);
    float[] out = new float[n * 3];
    t.get(keys, out);
    assertArrayEquals(values, out);
    assertEquals(n, t.size());
  }

  @Test
  void storesAKeyInAtMost24BytesAnd32WithFtrlAtEverySize() {
    // A key (8 bytes) and its slot's floats (4 each) in buckets at most 65% full, grown by a
    // fifth: at most 22.2 bytes a key for width 1, 29.5 with FTRL's z and n, wherever the size
    // falls. (54,135 is the flights task's key count.)
    for (int n : new int[] {5_000, 54_135, 100_000, 262_144, 333_333}) {
      KeyValueTable sum = new KeyValueTable(1);
      KeyValueTable ftrl = new KeyValueTable(1, new dev.psyarn.ps.update.Ftrl(0.1f, 1, 0, 0));
      long[] keys = new long[n];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = i * 31L;
      }
      // In no order: through the buckets alone (a sorted request builds the sorted index too).
      java.util.Random random = new java.util.Random(n);
      for (int i = keys.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        long swap = keys[i];
        keys[i] = keys[j];
        keys[j] = swap;
      }
      sum.add(keys, new float[keys.length]);
      ftrl.add(keys, new float[keys.length]);
      double perKey = sum.bytesUsed() / (double) sum.size();
      double perKeyFtrl = ftrl.bytesUsed() / (double) ftrl.size();
      assertTrue(perKey >= 18 && perKey <= 22.3, n + " keys, sum: " + perKey + " bytes a key");
      assertTrue(perKeyFtrl > perKey && perKeyFtrl <= 29.6, n + " keys, ftrl keeps two floats a key: " + perKeyFtrl);
    }
  }

  @Test
  void keysOfEveryKindSurviveTheTableGrowingInTheMiddleOfARequest() {
    // Key 0 (the empty bucket's mark, kept apart), negative and extreme keys, keys that differ in
    // high bits only; pushes of new keys large enough to grow the table midway, sorted (through the
    // sorted index) and not; the values each key had before every growth go with it.
    java.util.Random random = new java.util.Random(3);
    KeyValueTable t = new KeyValueTable(3, new dev.psyarn.ps.update.Ftrl(0.1f, 1, 0, 0));
    KeyValueTable sum = new KeyValueTable(1);
    java.util.Map<Long, Float> model = new java.util.HashMap<>();
    long[] special = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40, -(1L << 40)};
    for (int round = 0; round < 40; round++) {
      int n = 1 + random.nextInt(round < 5 ? 50 : 5000);
      long[] keys = java.util.stream.LongStream.concat(java.util.Arrays.stream(special),
          random.longs(n).map(k -> random.nextBoolean() ? k : (k & 0xFFFF) << 44)).distinct().toArray();
      if (random.nextBoolean()) {
        java.util.Arrays.sort(keys);
      }
      float[] pushed = new float[keys.length];
      for (int i = 0; i < keys.length; i++) {
        pushed[i] = 1 + random.nextInt(5);
        model.merge(keys[i], pushed[i], Float::sum);
      }
      sum.add(keys, pushed);
      t.add(keys, new float[keys.length * 3]);
    }
    long[] all = model.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    assertEquals(all.length, sum.size());
    assertArrayEquals(all, sum.keys());
    assertEquals(all.length, t.size());
    float[] out = new float[all.length];
    sum.get(all, out);
    for (int i = 0; i < all.length; i++) {
      assertEquals(model.get(all[i]), out[i], 0f, "key " + all[i]);
    }
    KeyValueTable.Image image = sum.copy();
    assertArrayEquals(all, image.keys());
    assertEquals(0f, sum.copy(k -> k == 12345).slots().length, 0f);
  }

  @Test
  void denseSparseAndUnsortedRequestsAgreeWithAPlainMap() {
    // Dense requests go through the sorted index, sparse and unsorted ones through the hash map;
    // keys keep arriving in between, so the index is built, merged, dropped and rebuilt.
    java.util.Random random = new java.util.Random(11);
    KeyValueTable t = new KeyValueTable(2);
    java.util.Map<Long, float[]> model = new java.util.HashMap<>();
    for (int round = 0; round < 300; round++) {
      int n = random.nextInt(4) == 0 ? 1 + random.nextInt(40) : 64 + random.nextInt(3000);
      long range = random.nextBoolean() ? 4000 : 1L << 40;
      long[] keys = random.longs(n, 0, range).distinct().toArray();
      if (random.nextInt(5) > 0) {
        java.util.Arrays.sort(keys);
      }
      float[] pushed = new float[keys.length * 2];
      for (int i = 0; i < pushed.length; i++) {
        pushed[i] = random.nextInt(7);
      }
      if (random.nextBoolean()) {
        t.add(keys, pushed);
        for (int i = 0; i < keys.length; i++) {
          float[] v = model.computeIfAbsent(keys[i], k -> new float[2]);
          v[0] += pushed[2 * i];
          v[1] += pushed[2 * i + 1];
        }
      } else {
        float[] out = new float[keys.length * 2];
        t.get(keys, out);
        for (int i = 0; i < keys.length; i++) {
          float[] v = model.getOrDefault(keys[i], new float[2]);
          assertEquals(v[0], out[2 * i], "round " + round + " key " + keys[i]);
          assertEquals(v[1], out[2 * i + 1], "round " + round + " key " + keys[i]);
        }
      }
      assertEquals(model.size(), t.size());
    }
    long[] all = t.keys();
    assertEquals(model.size(), all.length);
    float[] out = new float[all.length * 2];
    t.get(all, out); // the whole table: dense, sorted
    for (int i = 0; i < all.length; i++) {
      assertArrayEquals(model.get(all[i]), new float[] {out[2 * i], out[2 * i + 1]});
    }
  }

  @Test
  void shapeMismatchIsRefused() {
    KeyValueTable t = new KeyValueTable(2);
    assertThrows(IllegalArgumentException.class, () -> t.add(new long[] {1}, new float[] {1}));
    assertThrows(IllegalArgumentException.class, () -> new KeyValueTable(0));
  }
}
