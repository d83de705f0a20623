package dev.psyarn.mapreduce.shard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Encodes one example as a shard record (see {@link ShardFormat}) into a reused buffer, which the
 * shard writer appends as it is.
 *
 * <p>A varint below 2<sup>28</sup> (every gap between the keys of a key space of up to 2<sup>28</sup>,
 * and most of larger ones) is written without a loop: its four 7-bit groups spread into the four
 * bytes of an int, the continuation bits of all but its last byte set from a table by its length,
 * and the int stored at once; the buffer's next bytes are overwritten later. A loop that writes a
 * byte at a time ends after 1 to 4 bytes, as the gaps happen to be long, and its exit branch is
 * mispredicted about once a key: {@code varint} was 4.4 % of the stage's CPU profile on 30 M flights
 * rows. A record of 13 keys of 24 bits: 57 ns against 84 (docs/benchmarks.md).
 */
public final class RecordEncoder {

  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  /** The continuation bits of a varint of 1 to 4 bytes: 0x80 in every byte but its last. */
  private static final int[] CONTINUED = {0, 0, 0x80, 0x8080, 0x808080};

  private final long keySpace;
  private byte[] buffer = new byte[256];

  public RecordEncoder(long keySpace) {
    this.keySpace = keySpace;
  }

  /**
   * Encodes an example after {@code prefix} bytes left free for the caller; {@code keys[0..n)}
   * must be ascending, distinct and below the key space; {@code values} null means all 1.
   * Returns the length including the prefix.
   */
  public int encode(int prefix, int label, long[] keys, float[] values, int n) {
    // 10 bytes at most a varint (and 4 written past the last), 4 a value.
    ensure(prefix + 20 + 14 * n);
    byte[] b = buffer;
    int p = varint(b, prefix, n + 1L);
    b[p++] = (byte) ((label != 0 ? 1 : 0) | (values != null ? 2 : 0));
    long previous = -1;
    for (int i = 0; i < n; i++) {
      long k = keys[i];
      if (k <= previous || k >= keySpace) {
        throw new IllegalArgumentException("key " + k + " at " + i + " is not ascending within [0, " + keySpace + ")");
      }
      p = varint(b, p, i == 0 ? k : k - previous);
      previous = k;
    }
    if (values != null) {
      for (int i = 0; i < n; i++) {
        int bits = Float.floatToIntBits(values[i]);
        b[p++] = (byte) (bits >>> 24);
        b[p++] = (byte) (bits >>> 16);
        b[p++] = (byte) (bits >>> 8);
        b[p++] = (byte) bits;
      }
    }
    return p;
  }

  /** The buffer of the last encoding (valid until the next). */
  public byte[] bytes() {
    return buffer;
  }

  private void ensure(int n) {
    if (buffer.length < n) {
      buffer = new byte[Math.max(n, buffer.length * 2)];
    }
  }

  /** Writes {@code v} as a varint at {@code at} of {@code b}; returns where it ends. */
  private static int varint(byte[] b, int at, long v) {
    if (v >>> 28 == 0) {
      int x = (int) v;
      // ceil(bits / 7) for 1 to 28 significant bits (0 counts as 1), as (bits + 6) * 37 / 256.
      int length = (38 - Integer.numberOfLeadingZeros(x | 1)) * 37 >>> 8;
      int spread = x & 0x7F | (x & 0x3F80) << 1 | (x & 0x1F_C000) << 2 | (x & 0xFE0_0000) << 3;
      INTS.set(b, at, spread | CONTINUED[length]);
      return at + length;
    }
    while ((v & ~0x7FL) != 0) {
      b[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[at++] = (byte) v;
    return at;
  }
}
