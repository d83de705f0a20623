package dev.psyarn.ps.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  /**
   * Shards read back hold the examples written, whether the arrays sized from the files' length came
   * out close (kept with their slack: keyCount says where the keys end) or far (cut to size).
   */
  @Test
  void shardsReadBackHoldTheWrittenExamplesWithOrWithoutSlack(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    for (boolean valued : new boolean[] {false, true}) {
      for (int perRow : new int[] {1, 4}) { // one key a row: the file's length overestimates the keys several times
        Examples written = examples(3000, valued);
        java.nio.file.Path file = dir.resolve("s-" + valued + "-" + perRow + ".shard");
        try (var out = java.nio.file.Files.newOutputStream(file);
            var writer = new dev.psyarn.mapreduce.shard.ShardWriter(out, 0, 1, (byte) 0, 1L << 20)) {
          for (int i = 0; i < written.size(); i++) {
            int from = written.offsets[i];
            int n = Math.min(perRow, written.offsets[i + 1] - from);
            writer.write(written.labels[i], Arrays.copyOfRange(written.keys, from, from + n),
                valued ? Arrays.copyOfRange(written.values, from, from + n) : null, n);
          }
        }
        Examples read = Examples.fromShards(conf, java.util.List.of(new org.apache.hadoop.fs.Path(file.toUri())));
        assertEquals(written.size(), read.size());
        int keys = 0;
        for (int i = 0; i < written.size(); i++) {
          int n = Math.min(perRow, written.offsets[i + 1] - written.offsets[i]);
          assertEquals(written.labels[i], read.labels[i]);
          assertEquals(n, read.offsets[i + 1] - read.offsets[i], "example " + i);
          for (int k = 0; k < n; k++) {
            assertEquals(written.keys[written.offsets[i] + k], read.keys[read.offsets[i] + k]);
            assertEquals(written.value(written.offsets[i] + k), read.value(read.offsets[i] + k));
          }
          keys += n;
        }
        assertEquals(keys, read.keyCount());
        assertEquals(valued, read.values != null);
        assertEquals(true, read.keys.length - keys <= read.keys.length / 8, "slack of at most an eighth: "
            + read.keys.length + " for " + keys);
        Examples copy = read.reordered(identity(read.size()), null);
        assertEquals(keys, copy.keyCount());
        assertArrayEquals(Arrays.copyOf(read.keys, keys), Arrays.copyOf(copy.keys, keys));
        // Read again, numbered as it is read: the same examples, keys and values.
        Examples numbered = Examples.fromShards(conf, java.util.List.of(new org.apache.hadoop.fs.Path(file.toUri())), true);
        assertTrue(numbered.isNumbered());
        assertNull(numbered.keys);
        assertArrayEquals(read.labels, numbered.labels);
        assertArrayEquals(read.offsets, numbered.offsets);
        for (int k = 0; k < keys; k++) {
          assertEquals(read.keys[k], numbered.key(k), "feature " + k);
          assertEquals(read.value(k), numbered.value(k), "feature " + k);
        }
        assertTrue(numbered.ids.length - keys <= numbered.ids.length / 8, "slack of at most an eighth");
      }
    }
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    return order;
  }
}
