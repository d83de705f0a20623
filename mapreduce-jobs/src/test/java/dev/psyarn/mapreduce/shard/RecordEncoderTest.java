package dev.psyarn.mapreduce.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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

  /** The record as {@link ShardFormat} defines it, a byte at a time. */
  private static byte[] reference(int label, long[] keys, float[] values, int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, n + 1L);
    out.write((label != 0 ? 1 : 0) | (values != null ? 2 : 0));
    for (int i = 0; i < n; i++) {
      varint(out, i == 0 ? keys[0] : keys[i] - keys[i - 1]);
    }
    for (int i = 0; values != null && i < n; i++) {
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
