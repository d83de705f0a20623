package dev.psyarn.ps.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExamplesTest {

  /** Example i: label i % 2, keys 10i … 10i + (i % 4), values i + key / 100 when valued. */
  private static Examples examples(int n, boolean valued) {
    byte[] labels = new byte[n];
    int[] offsets = new int[n + 1];
    long[] keys = new long[n * 4];
    float[] values = valued ? new float[n * 4] : null;
    int at = 0;
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 2);
      for (int k = 0; k <= i % 4; k++) {
        keys[at] = 10L * i + k;
        if (valued) {
          values[at] = i + keys[at] / 100f;
        }
        at++;
      }
      offsets[i + 1] = at;
    }
    return new Examples(labels, offsets, Arrays.copyOf(keys, at), valued ? Arrays.copyOf(values, at) : null, 1 << 20);
  }

  private static void assertSameExample(Examples from, int e, Examples to, int i) {
    assertEquals(from.labels[e], to.labels[i]);
    int n = from.offsets[e + 1] - from.offsets[e];
    assertEquals(n, to.offsets[i + 1] - to.offsets[i], "keys of example " + i);
    for (int k = 0; k < n; k++) {
      assertEquals(from.keys[from.offsets[e] + k], to.keys[to.offsets[i] + k]);
      assertEquals(from.value(from.offsets[e] + k), to.value(to.offsets[i] + k));
    }
  }

  @Test
  void aReorderedCopyHoldsExampleOrderIAtIAndReusesItsArrays() {
    for (boolean valued : new boolean[] {false, true}) {
      Examples data = examples(1000, valued);
      int[] order = SparseLogisticRegression.identity(1000);
      Random random = new Random(7);
      Examples copy = null;
      for (int epoch = 0; epoch < 3; epoch++) {
        SparseLogisticRegression.shuffle(order, random);
        Examples next = data.reordered(order, copy);
        if (copy != null) {
          assertSame(copy.keys, next.keys, "an epoch's copy reuses the last one's arrays");
        }
        copy = next;
        assertEquals(data.size(), copy.size());
        assertEquals(data.keySpace, copy.keySpace);
        assertEquals(data.offsets[1000], copy.offsets[1000]);
        for (int i = 0; i < 1000; i++) {
          assertSameExample(data, order[i], copy, i);
        }
      }
      if (!valued) {
        assertNull(copy.values);
      }
      assertArrayEquals(examples(1000, valued).keys, data.keys, "the source is left as it was");
    }
  }
}
