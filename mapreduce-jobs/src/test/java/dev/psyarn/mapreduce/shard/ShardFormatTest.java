package dev.psyarn.mapreduce.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardFormatTest {

  private static byte[] write(int records, long seed) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Random random = new Random(seed);
    try (ShardWriter w = new ShardWriter(bytes, 2, 5, ShardFormat.TEST, 1L << 40)) {
      for (int i = 0; i < records; i++) {
        int n = random.nextInt(20);
        long[] keys = random.longs(n, 0, 1L << 40).sorted().distinct().toArray();
        float[] values = i % 3 == 0 ? null : new float[keys.length];
        if (values != null) {
          for (int k = 0; k < values.length; k++) {
            values[k] = random.nextFloat() - 0.5f;
          }
        }
        w.write(i % 2, keys, values, keys.length);
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void examplesRoundTripWithTheirHeader() throws IOException {
    byte[] file = write(5000, 1);
    Random random = new Random(1);
    try (ShardReader r = new ShardReader(new ByteArrayInputStream(file), "s")) {
      assertEquals(2, r.shard());
      assertEquals(5, r.shards());
      assertEquals(ShardFormat.TEST, r.split());
      assertEquals(1L << 40, r.keySpace());
      Example ex = new Example();
      for (int i = 0; i < 5000; i++) {
        assertTrue(r.next(ex));
        int n = random.nextInt(20);
        long[] keys = random.longs(n, 0, 1L << 40).sorted().distinct().toArray();
        assertEquals(i % 2, ex.label);
        assertArrayEquals(keys, Arrays.copyOf(ex.keys, ex.size));
        assertEquals(i % 3 != 0, ex.hasValues);
        if (i % 3 != 0) {
          for (int k = 0; k < keys.length; k++) {
            assertEquals(random.nextFloat() - 0.5f, ex.values[k]);
          }
        }
      }
      assertFalse(r.next(ex));
      assertEquals(5000, r.records());
    }
  }

  /** Records larger than the writer's buffer, between small ones, keep their order and the checksum holds. */
  @Test
  void aRecordLargerThanTheWritersBufferRoundTripsBetweenSmallOnes() throws IOException {
    long[] wide = new Random(3).longs(30_000, 0, 1L << 40).sorted().distinct().toArray();
    float[] weights = new float[wide.length];
    Arrays.fill(weights, 0.25f);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ShardWriter w = new ShardWriter(bytes, 0, 1, ShardFormat.TRAIN, 1L << 40)) {
      w.write(1, new long[] {7}, null, 1);
      w.write(0, wide, weights, wide.length); // about 270 KB: past a 64 KB buffer
      w.write(1, new long[] {8, 9}, null, 2);
      assertEquals(3, w.records());
    }
    try (ShardReader r = new ShardReader(new ByteArrayInputStream(bytes.toByteArray()), "s")) {
      Example ex = new Example();
      assertTrue(r.next(ex));
      assertArrayEquals(new long[] {7}, Arrays.copyOf(ex.keys, ex.size));
      assertTrue(r.next(ex));
      assertArrayEquals(wide, Arrays.copyOf(ex.keys, ex.size));
      assertEquals(0.25f, ex.values[wide.length - 1]);
      assertTrue(r.next(ex));
      assertArrayEquals(new long[] {8, 9}, Arrays.copyOf(ex.keys, ex.size));
      assertFalse(r.next(ex));
      assertEquals(3, r.records());
    }
  }

  @Test
  void truncatedCorruptAndForeignFilesAreRefusedByName() throws IOException {
    byte[] file = write(200, 2);
    Example ex = new Example();
    IOException truncated = assertThrows(IOException.class, () -> drain(Arrays.copyOf(file, file.length - 30)));
    assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    byte[] flipped = file.clone();
    flipped[file.length / 2] ^= 0x10;
    IOException corrupt = assertThrows(IOException.class, () -> drain(flipped));
    assertTrue(corrupt.getMessage().startsWith("s "), corrupt.getMessage());
    byte[] other = file.clone();
    other[11] = 9; // version 9
    assertTrue(assertThrows(IOException.class, () -> drain(other)).getMessage().contains("format version 9"));
    assertTrue(assertThrows(IOException.class, () -> drain("PAR1xxxxxxxxxxxxxxxxxxxxxxxxxx".getBytes()))
        .getMessage().contains("not a psyarn shard"));
    try (ShardWriter w = new ShardWriter(new ByteArrayOutputStream(), 0, 1, ShardFormat.TRAIN, 100)) {
      assertThrows(IllegalArgumentException.class, () -> w.write(1, new long[] {5, 3}, null, 2));
      assertThrows(IllegalArgumentException.class, () -> w.write(1, new long[] {100}, null, 1));
    }
  }

  /** Fixed-width keys come back in the order they were written, ascending or not, beside records written sorted. */
  @Test
  void fixedWidthKeysRoundTripInTheirOrder() throws IOException {
    long space = 1L << 40;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RecordEncoder encoder = new RecordEncoder(space, 5);
    Random random = new Random(4);
    List<long[]> rows = new ArrayList<>();
    try (ShardWriter w = new ShardWriter(bytes, 1, 3, ShardFormat.TRAIN, space, 5)) {
      for (int i = 0; i < 3000; i++) {
        long[] keys = random.longs(random.nextInt(20), 0, space).distinct().toArray();
        int length = encoder.encodeBinary(0, i % 2, keys, keys.length);
        if (length < 0) {
          keys = Arrays.stream(keys).sorted().toArray();
          w.write(i % 2, keys, null, keys.length);
        } else {
          w.writeEncoded(encoder.bytes(), 0, length);
        }
        rows.add(keys);
      }
      w.write(1, new long[] {2, space - 1}, new float[] {0.5f, 3f}, 2);
    }
    try (ShardReader r = new ShardReader(new ByteArrayInputStream(bytes.toByteArray()), "s")) {
      assertEquals(space, r.keySpace());
      Example ex = new Example();
      for (int i = 0; i < rows.size(); i++) {
        assertTrue(r.next(ex));
        assertEquals(i % 2, ex.label);
        assertFalse(ex.hasValues);
        assertArrayEquals(rows.get(i), Arrays.copyOf(ex.keys, ex.size), "row " + i);
      }
      assertTrue(r.next(ex));
      assertArrayEquals(new long[] {2, space - 1}, Arrays.copyOf(ex.keys, ex.size));
      assertEquals(3f, ex.values[1]);
      assertFalse(r.next(ex));
    }
  }

  /** A shard of version 1 (no keys byte, keys as gaps) is still read; a keys byte that cannot hold the key space is refused. */
  @Test
  void versionOneShardsAreReadAndImpossibleKeyWidthsRefused() throws IOException {
    byte[] v2 = write(300, 6);
    // Version 1: the same bytes with version 1 and without the keys byte after the key space.
    int keysByte = ShardFormat.MAGIC.length + 4 + 4 + 4 + 1 + 8;
    assertEquals(ShardFormat.GAPS, v2[keysByte]);
    byte[] v1 = new byte[v2.length - 1];
    System.arraycopy(v2, 0, v1, 0, keysByte);
    System.arraycopy(v2, keysByte + 1, v1, keysByte, v2.length - keysByte - 1);
    v1[11] = 1;
    Example a = new Example();
    Example b = new Example();
    try (ShardReader one = new ShardReader(new ByteArrayInputStream(v1), "v1");
        ShardReader two = new ShardReader(new ByteArrayInputStream(v2), "v2")) {
      while (two.next(b)) {
        assertTrue(one.next(a));
        assertArrayEquals(Arrays.copyOf(b.keys, b.size), Arrays.copyOf(a.keys, a.size));
      }
      assertFalse(one.next(a));
      assertEquals(300, one.records());
    }
    for (int bad : new int[] {4, 9, -1}) {
      byte[] wrong = v2.clone();
      wrong[keysByte] = (byte) bad;
      IOException e = assertThrows(IOException.class, () -> drain(wrong));
      assertTrue(e.getMessage().startsWith("s has keys of " + bad + " bytes for a key space of 1099511627776"),
          e.getMessage());
    }
  }

  @Test
  void aShardIsItsFirstFileAndTheOtherMapTasksPartsInPartOrder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws IOException {
    assertEquals("train-00003.shard", ShardFormat.fileName(ShardFormat.TRAIN, 3));
    assertEquals("train-00003.shard", ShardFormat.fileName(ShardFormat.TRAIN, 3, 0));
    assertEquals("test-00003.part-00012.shard", ShardFormat.fileName(ShardFormat.TEST, 3, 12));
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());
    // Parts of shard 1 and 10 (whose names share a prefix with shard 1's) of both splits.
    for (int shard : new int[] {1, 10}) {
      for (int part : new int[] {11, 0, 2}) {
        for (byte split : new byte[] {ShardFormat.TRAIN, ShardFormat.TEST}) {
          java.nio.file.Files.write(dir.resolve(ShardFormat.fileName(split, shard, part)), new byte[0]);
        }
      }
    }
    assertEquals(java.util.List.of("train-00001.shard", "train-00001.part-00002.shard", "train-00001.part-00011.shard"),
        ShardFormat.parts(conf, root, ShardFormat.TRAIN, 1).stream().map(org.apache.hadoop.fs.Path::getName).toList());
    assertEquals(java.util.List.of("test-00010.shard", "test-00010.part-00002.shard", "test-00010.part-00011.shard"),
        ShardFormat.parts(conf, root, ShardFormat.TEST, 10).stream().map(org.apache.hadoop.fs.Path::getName).toList());
    IOException missing = assertThrows(java.io.FileNotFoundException.class,
        () -> ShardFormat.parts(conf, root, ShardFormat.TRAIN, 2));
    assertTrue(missing.getMessage().contains("train-00002.shard"), missing.getMessage());
  }

  private static void drain(byte[] bytes) throws IOException {
    try (ShardReader r = new ShardReader(new ByteArrayInputStream(bytes), "s")) {
      Example ex = new Example();
      while (r.next(ex)) {
        assertTrue(ex.size >= 0);
      }
    }
  }
}
