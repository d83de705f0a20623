package dev.psyarn.mapreduce.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The encoder's records are the format's bytes ({@link ShardFormat}) for gaps of every length: those
 * below 2^28 written a word at a time, longer ones a byte at a time, each checked against a byte
 * loop written from the format's definition.
 */
class RecordEncoderTest {

  @Test
  void everyGapLengthEncodesAsTheFormatSays() {
    RecordEncoder encoder = new RecordEncoder(Long.MAX_VALUE);
    // Gaps at and around each boundary of a varint's length, 1 to 9 bytes.
    long[] gaps = LongStream.range(0, 63).flatMap(bit -> LongStream.of((1L << bit) - 1, 1L << bit, (1L << bit) + 1))
        .filter(g -> g > 0).distinct().toArray();
    long key = -1;
    long[] keys = new long[gaps.length];
    int n = 0;
    for (long gap : gaps) {
      if (key + gap < 0 || key + gap >= Long.MAX_VALUE) {
        break;
      }
      key += gap;
      keys[n++] = key;
    }
    for (int label = 0; label < 2; label++) {
      int length = encoder.encode(0, label, keys, null, n);
      assertArrayEquals(reference(label, keys, null, n), Arrays.copyOf(encoder.bytes(), length));
    }
    // Each gap alone, as the first key of a record.
    for (long gap : gaps) {
      int length = encoder.encode(0, 1, new long[] {gap}, null, 1);
      assertArrayEquals(reference(1, new long[] {gap}, null, 1), Arrays.copyOf(encoder.bytes(), length), "key " + gap);
    }
  }

  @Test
  void recordsOfHashedKeysAndValuesMatchTheByteLoopAfterAPrefix() {
    Random random = new Random(7);
    for (long space : new long[] {1L << 12, 1L << 24, 1L << 28, 1L << 29, 1L << 40}) {
      RecordEncoder encoder = new RecordEncoder(space);
      for (int row = 0; row < 2000; row++) {
        long[] keys = random.longs(random.nextInt(40), 0, space).sorted().distinct().toArray();
        float[] values = row % 4 == 0 ? null : new float[keys.length];
        for (int i = 0; values != null && i < values.length; i++) {
          values[i] = random.nextFloat() * 4 - 2;
        }
        int prefix = row % 3;
        int length = encoder.encode(prefix, row % 2, keys, values, keys.length);
        byte[] expected = reference(row % 2, keys, values, keys.length);
        assertArrayEquals(expected, Arrays.copyOfRange(encoder.bytes(), prefix, length), "space " + space + " row " + row);
      }
    }
  }

  /**
   * Rows of binary keys in any order: as gaps, their sorted keys; as fixed-width keys (each width
   * that holds the key space, up to 8), their keys in the order given; or given back, keys untouched,
   * when two share a bucket, and then sorted, merged and written by encode in the same layout.
   */
  @Test
  void binaryRowsInAnyOrderEncodeInTheirLayoutOrAreGivenBack() {
    Random random = new Random(5);
    // Key spaces of hashing and of dictionaries, down to one key; gaps of 2^44 and more take no bitmap.
    long[] spaces = {1, 2, 33, 1000, 54_229, 1L << 12, 1L << 24, 1L << 28, 1L << 40, 1L << 43, 1L << 50, Long.MAX_VALUE};
    for (long space : spaces) {
      for (int keyBytes : new int[] {ShardFormat.GAPS, ShardFormat.keyBytes(space), 8}) {
        if (keyBytes == ShardFormat.GAPS && space > 1L << 43) {
          assertEquals(-1, new RecordEncoder(space).encodeBinary(0, 1, new long[] {1, 2}, 2));
          continue;
        }
        RecordEncoder encoder = new RecordEncoder(space, keyBytes);
        int given = 0;
        for (int row = 0; row < 3000; row++) {
          int n = row % 100 == 0 ? 33 : random.nextInt(RecordEncoder.BINARY_MAX + 1);
          // Few distinct keys in some rows: equal keys, always given back.
          long bound = row % 5 == 0 ? Math.max(1, Math.min(space, n / 2)) : space;
          long[] keys = random.longs(n, 0, bound).toArray();
          long[] before = keys.clone();
          int prefix = row % 3;
          int length = encoder.encodeBinary(prefix, row % 2, keys, n);
          String what = "space " + space + " keys " + keyBytes + " row " + row + " " + Arrays.toString(before);
          assertArrayEquals(before, keys, what);
          long[] sorted = Arrays.stream(keys).sorted().distinct().toArray();
          if (length < 0) {
            given++;
            assertTrue(n > RecordEncoder.BINARY_MAX || sorted.length < n || space > 1 << 12, what);
            length = encoder.encode(prefix, row % 2, sorted, null, sorted.length);
            assertArrayEquals(expected(row % 2, sorted, null, keyBytes), Arrays.copyOfRange(encoder.bytes(), prefix, length),
                what);
            continue;
          }
          assertEquals(n, sorted.length, what);
          long[] written = keyBytes == ShardFormat.GAPS ? sorted : keys;
          assertArrayEquals(expected(row % 2, written, null, keyBytes), Arrays.copyOfRange(encoder.bytes(), prefix, length),
              what);
        }
        assertTrue(given < 3000, "space " + space + " keys " + keyBytes + ": every row given back");
      }
    }
  }

  @Test
  void thirteenHashedKeysShareABucketInAFewRowsInAHundred() {
    Random random = new Random(9);
    RecordEncoder encoder = new RecordEncoder(1L << 24);
    int given = 0;
    for (int row = 0; row < 3000; row++) {
      given += encoder.encodeBinary(0, 1, random.longs(13, 0, 1L << 24).toArray(), 13) < 0 ? 1 : 0;
    }
    // 1 - prod(1 - i/4096) for i < 13: 1.9 % of rows, about 57 of 3,000.
    assertTrue(given > 20 && given < 120, "rows given back: " + given);
  }

  @Test
  void aKeyOutsideTheKeySpaceIsRefusedAndTheNextRowIsWhole() {
    RecordEncoder encoder = new RecordEncoder(1000);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> encoder.encodeBinary(0, 1, new long[] {5, 700, 1000}, 3));
    assertTrue(e.getMessage().contains("key 1000 at 2"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> encoder.encodeBinary(0, 1, new long[] {-1}, 1));
    // The refused row's buckets were cleared: 5 and 700 are not taken for this row's.
    int length = encoder.encodeBinary(0, 0, new long[] {999, 6}, 2);
    assertArrayEquals(reference(0, new long[] {6, 999}, null, 2), Arrays.copyOf(encoder.bytes(), length));
  }

  @Test
  void fixedWidthKeysTakeTheBytesOfTheKeySpacesLastKey() {
    long[] spaces = {1, 2, 256, 257, 1L << 16, (1L << 16) + 1, 1L << 24, 1L << 40, Long.MAX_VALUE};
    int[] widths = {1, 1, 1, 2, 2, 3, 3, 5, 8};
    for (int i = 0; i < spaces.length; i++) {
      assertEquals(widths[i], ShardFormat.keyBytes(spaces[i]), "space " + spaces[i]);
    }
    assertThrows(IllegalArgumentException.class, () -> ShardFormat.keyBytes(0));
    // Too narrow for the key space, or wider than a long: refused.
    assertThrows(IllegalArgumentException.class, () -> new RecordEncoder(1L << 24, 2));
    assertThrows(IllegalArgumentException.class, () -> new RecordEncoder(1L << 24, 9));
  }

  @Test
  void fixedWidthKeysAreFollowedByValuesAndMustAscendForEncode() {
    RecordEncoder encoder = new RecordEncoder(1L << 24, 3);
    long[] keys = {3, 70_000, 16_777_215};
    float[] values = {0.5f, -2f, 7f};
    int length = encoder.encode(1, 1, keys, values, 3);
    assertArrayEquals(expected(1, keys, values, 3), Arrays.copyOfRange(encoder.bytes(), 1, length));
    assertThrows(IllegalArgumentException.class, () -> encoder.encode(0, 1, new long[] {5, 3}, null, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> encoder.encodeBinary(0, 1, new long[] {5, 1L << 24}, 2));
    assertTrue(e.getMessage().contains("key 16777216 at 1"), e.getMessage());
    // The refused row's buckets were cleared: 5 is not taken for this row's.
    length = encoder.encodeBinary(0, 0, new long[] {1L << 20, 5}, 2);
    assertArrayEquals(expected(0, new long[] {1L << 20, 5}, null, 3), Arrays.copyOf(encoder.bytes(), length));
  }

  /** The record as {@link ShardFormat} defines it, a byte at a time: its keys as gaps. */
  private static byte[] reference(int label, long[] keys, float[] values, int n) {
    return expected(label, Arrays.copyOf(keys, n), values, ShardFormat.GAPS);
  }

  /** The record as {@link ShardFormat} defines it, a byte at a time, its keys in the layout {@code keyBytes}. */
  private static byte[] expected(int label, long[] keys, float[] values, int keyBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, keys.length + 1L);
    out.write((label != 0 ? 1 : 0) | (values != null ? 2 : 0));
    for (int i = 0; i < keys.length; i++) {
      if (keyBytes == ShardFormat.GAPS) {
        varint(out, i == 0 ? keys[0] : keys[i] - keys[i - 1]);
      } else {
        for (int b = keyBytes - 1; b >= 0; b--) {
          out.write((int) (keys[i] >>> (8 * b)));
        }
      }
    }
    for (int i = 0; values != null && i < keys.length; i++) {
      int bits = Float.floatToIntBits(values[i]);
      out.write(bits >>> 24);
      out.write(bits >>> 16);
      out.write(bits >>> 8);
      out.write(bits);
    }
    return out.toByteArray();
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    do {
      int low = (int) (v & 0x7F);
      v >>>= 7;
      out.write(v != 0 ? low | 0x80 : low);
    } while (v != 0);
  }
}
