package dev.psyarn.mapreduce.shard;

/**
 * Encodes one example as a shard record (see {@link ShardFormat}) into a reused buffer, which the
 * shard writer appends as it is.
 */
public final class RecordEncoder {

  private final long keySpace;
  private byte[] buffer = new byte[256];
  private int at;

  public RecordEncoder(long keySpace) {
    this.keySpace = keySpace;
  }

  /**
   * Encodes an example after {@code prefix} bytes left free for the caller; {@code keys[0..n)}
   * must be ascending, distinct and below the key space; {@code values} null means all 1.
   * Returns the length including the prefix.
   */
  public int encode(int prefix, int label, long[] keys, float[] values, int n) {
    at = prefix;
    ensure(prefix + 16 + 14 * n);
    varint(n + 1L);
    buffer[at++] = (byte) ((label != 0 ? 1 : 0) | (values != null ? 2 : 0));
    long previous = -1;
    for (int i = 0; i < n; i++) {
      long k = keys[i];
      if (k <= previous || k >= keySpace) {
        throw new IllegalArgumentException("key " + k + " at " + i + " is not ascending within [0, " + keySpace + ")");
      }
      varint(i == 0 ? k : k - previous);
      previous = k;
    }
    if (values != null) {
      for (int i = 0; i < n; i++) {
        int bits = Float.floatToIntBits(values[i]);
        buffer[at++] = (byte) (bits >>> 24);
        buffer[at++] = (byte) (bits >>> 16);
        buffer[at++] = (byte) (bits >>> 8);
        buffer[at++] = (byte) bits;
      }
    }
    return at;
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

  private void varint(long v) {
    while ((v & ~0x7FL) != 0) {
      buffer[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buffer[at++] = (byte) v;
  }
}
