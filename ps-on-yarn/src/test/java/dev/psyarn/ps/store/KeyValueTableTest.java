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
  void shapeMismatchIsRefused() {
    KeyValueTable t = new KeyValueTable(2);
    assertThrows(IllegalArgumentException.class, () -> t.add(new long[] {1}, new float[] {1}));
    assertThrows(IllegalArgumentException.class, () -> new KeyValueTable(0));
  }
}
