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
  void storesAKeyInTensOfBytesWithNoObjectPerKey() {
    KeyValueTable sum = new KeyValueTable(1);
    KeyValueTable ftrl = new KeyValueTable(1, new dev.psyarn.ps.update.Ftrl(0.1f, 1, 0, 0));
    long[] keys = new long[100_000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i * 31L;
    }
    sum.add(keys, new float[keys.length]);
    ftrl.add(keys, new float[keys.length]);
    double perKey = sum.bytesUsed() / (double) sum.size();
    double perKeyFtrl = ftrl.bytesUsed() / (double) ftrl.size();
    assertTrue(perKey >= 16 && perKey < 48, "sum: " + perKey + " bytes a key");
    assertTrue(perKeyFtrl > perKey && perKeyFtrl < 56, "ftrl keeps two floats a key: " + perKeyFtrl);
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
