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
 *
 * <p>A row of binary features (every value 1, the usual case) of up to {@link #BINARY_MAX} keys is
 * encoded from its keys in any order ({@link #encodeBinary}) by a bitmap of 4,096 buckets, the top
 * 12 bits of the key space's: each key sets its bucket's bit and leaves its low bits in the bucket's
 * slot, and the set bits, read word by word, give the keys in order, each written as its gap as it
 * is found. 13 keys share a bucket in about 2 % of rows (equal keys always do); such a row is sorted
 * and merged by the caller and given to {@link #encode}. Sorting by the bitmap into the row's array
 * and encoding from it took 160 ns a row of 13 hashed keys, the two in one pass 103; the keys'
 * range is checked in a pass of its own, without a branch a key (in the bitmap's loop, it cost
 * 40 ns more) (docs/benchmarks.md).
 *
 * <p>Records of fixed-width keys ({@link ShardFormat#keyBytes}, hashed key spaces) are written as
 * they are given, in one pass: each key stored as a big-endian word shifted to its width over the
 * buffer's next bytes, its bucket's bit set (the bitmap then only finds two keys in a bucket, which
 * the caller sorts and merges as for gaps), its range checked without a branch. 2^20 rows of 13
 * hashed keys of 2^24: 43 ns a row against 95–107 as gaps (docs/benchmarks.md).
 */
public final class RecordEncoder {

  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  /** The continuation bits of a varint of 1 to 4 bytes: 0x80 in every byte but its last. */
  private static final int[] CONTINUED = {0, 0, 0x80, 0x8080, 0x808080};

  /** The most keys a row given to {@link #encodeBinary} may have: more would share a bucket too often. */
  public static final int BINARY_MAX = 32;
  private static final int BUCKET_BITS = 12;
  private static final int BUCKETS = 1 << BUCKET_BITS;

  private final long keySpace;
  /** The shard's keys byte: {@link ShardFormat#GAPS}, or the bytes a key. */
  private final int keyBytes;
  /** A fixed-width key's shift to the top of a word. */
  private final int keyShift;
  private byte[] buffer = new byte[256];
  /** The bitmap's buckets: key >>> bucketShift; each word 64 of them; each bucket's key's low bits. */
  private final int bucketShift;
  private final long lowMask;
  /** Whether {@link #encodeBinary} can write gaps: a key's low bits fit an int (key spaces of up to 2^43 keys). */
  private final boolean bitmap;
  private final long[] words = new long[(1 << BUCKET_BITS) / 64];
  private final int[] lows = new int[1 << BUCKET_BITS];

  /** An encoder of records whose keys are gaps ({@link ShardFormat#GAPS}). */
  public RecordEncoder(long keySpace) {
    this(keySpace, ShardFormat.GAPS);
  }

  /** An encoder of records of a shard with the keys byte {@code keyBytes} ({@link ShardFormat}). */
  public RecordEncoder(long keySpace, int keyBytes) {
    if (keyBytes != ShardFormat.GAPS && keyBytes < ShardFormat.keyBytes(keySpace) || keyBytes > 8) {
      throw new IllegalArgumentException("keys of " + keyBytes + " bytes cannot hold a key space of " + keySpace);
    }
    this.keySpace = keySpace;
    this.keyBytes = keyBytes;
    this.keyShift = 64 - 8 * keyBytes;
    int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, keySpace - 1));
    bucketShift = Math.max(0, bits - BUCKET_BITS);
    bitmap = bucketShift <= 31;
    lowMask = (1L << bucketShift) - 1;
  }

  /**
   * Encodes an example after {@code prefix} bytes left free for the caller; {@code keys[0..n)}
   * must be ascending, distinct and below the key space (in either layout); {@code values} null
   * means all 1. Returns the length including the prefix.
   */
  public int encode(int prefix, int label, long[] keys, float[] values, int n) {
    // 10 bytes at most a varint (and 4 written past the last) or 8 a key (and 7 past the last), 4 a value.
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
      if (keyBytes == ShardFormat.GAPS) {
        p = varint(b, p, i == 0 ? k : k - previous);
      } else {
        LONGS.set(b, p, k << keyShift);
        p += keyBytes;
      }
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

  /**
   * Encodes an example of binary features (every value 1) from its keys {@code keys[0..n)} in any
   * order, each below the key space, after {@code prefix} bytes left free for the caller, and
   * returns the length including the prefix: with gaps, as {@link #encode} would of the keys
   * sorted; with fixed-width keys, in their order. Or returns -1, leaving the keys as they were,
   * when two keys share a bucket (equal keys always do), there are more than {@link #BINARY_MAX},
   * or the keys are gaps of a key space larger than 2^43: sort, merge and give them to {@link
   * #encode} then.
   */
  public int encodeBinary(int prefix, int label, long[] keys, int n) {
    if (n > BINARY_MAX) {
      return -1;
    }
    if (keyBytes != ShardFormat.GAPS) {
      return encodeFixed(prefix, label, keys, n);
    }
    if (!bitmap) {
      return -1;
    }
    // Negative when a key is: below 0, or above the last of the key space.
    long outside = 0;
    for (int i = 0; i < n; i++) {
      outside |= keys[i] | keySpace - 1 - keys[i];
    }
    if (outside < 0) {
      throw outside(keys, n);
    }
    long[] w = words;
    int[] low = lows;
    long used = 0;
    boolean clash = false;
    for (int i = 0; i < n; i++) {
      long k = keys[i];
      int bucket = (int) (k >>> bucketShift);
      int word = bucket >>> 6;
      long bit = 1L << bucket;
      long was = w[word];
      clash |= (was & bit) != 0;
      w[word] = was | bit;
      used |= 1L << word;
      low[bucket] = (int) (k & lowMask);
    }
    if (clash) {
      clear(used);
      return -1;
    }
    ensure(prefix + 20 + 14 * n);
    byte[] b = buffer;
    int p = varint(b, prefix, n + 1L);
    b[p++] = (byte) (label != 0 ? 1 : 0);
    long previous = 0;
    for (; used != 0; used &= used - 1) {
      int word = Long.numberOfTrailingZeros(used);
      long bits = w[word];
      w[word] = 0;
      do {
        int bucket = word << 6 | Long.numberOfTrailingZeros(bits);
        long k = (long) bucket << bucketShift | low[bucket];
        // The first key is written as itself: its gap from 0.
        p = varint(b, p, k - previous);
        previous = k;
        bits &= bits - 1;
      } while (bits != 0);
    }
    return p;
  }

  /**
   * {@link #encodeBinary} of fixed-width keys, in one pass: each key written as it comes and its
   * bucket's bit set, a bit already set making the row a clash (given back, the buffer's bytes
   * left for the next record to overwrite).
   */
  private int encodeFixed(int prefix, int label, long[] keys, int n) {
    ensure(prefix + 20 + 14 * n);
    byte[] b = buffer;
    int p = varint(b, prefix, n + 1L);
    b[p++] = (byte) (label != 0 ? 1 : 0);
    long[] w = words;
    long top = keySpace - 1;
    // Negative when a key is: below 0, or above the last of the key space.
    long outside = 0;
    boolean clash = false;
    for (int i = 0; i < n; i++) {
      long k = keys[i];
      outside |= k | top - k;
      int bucket = (int) (k >>> bucketShift) & (BUCKETS - 1);
      int word = bucket >>> 6;
      long bit = 1L << bucket;
      long was = w[word];
      clash |= (was & bit) != 0;
      w[word] = was | bit;
      LONGS.set(b, p, k << keyShift);
      p += keyBytes;
    }
    for (int i = 0; i < n; i++) {
      w[((int) (keys[i] >>> bucketShift) & (BUCKETS - 1)) >>> 6] = 0;
    }
    if (outside < 0) {
      throw outside(keys, n);
    }
    return clash ? -1 : p;
  }

  /** The error of the first of {@code keys[0..n)} outside the key space (one is). */
  private IllegalArgumentException outside(long[] keys, int n) {
    for (int i = 0; i < n; i++) {
      if (keys[i] < 0 || keys[i] >= keySpace) {
        return new IllegalArgumentException("key " + keys[i] + " at " + i + " is not within [0, " + keySpace + ")");
      }
    }
    throw new IllegalStateException("no key outside [0, " + keySpace + ")");
  }

  private void clear(long used) {
    for (; used != 0; used &= used - 1) {
      words[Long.numberOfTrailingZeros(used)] = 0;
    }
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
