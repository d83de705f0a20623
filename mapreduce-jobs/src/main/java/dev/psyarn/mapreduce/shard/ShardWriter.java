package dev.psyarn.mapreduce.shard;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * Writes one shard file (see {@link ShardFormat}); closing writes the end and the checksum.
 *
 * <p>Records are gathered in a buffer of its own and checksummed a buffer at a time when it goes
 * to the stream: a record is a few dozen bytes, and a checksum call and two synchronized stream
 * writes (a {@code DataOutputStream} over a {@code BufferedOutputStream}) a record cost more than
 * encoding it. Not thread-safe: one writer a thread.
 */
public final class ShardWriter implements Closeable {

  private static final int BUFFER = 1 << 16;

  private final OutputStream out;
  private final CRC32 crc = new CRC32();
  private final RecordEncoder encoder;
  private final byte[] buffer = new byte[BUFFER];
  private int used;
  private long records;

  /** A writer of records whose keys are gaps ({@link ShardFormat#GAPS}). */
  public ShardWriter(OutputStream stream, int shard, int shards, byte split, long keySpace) throws IOException {
    this(stream, shard, shards, split, keySpace, ShardFormat.GAPS);
  }

  /** A writer of records with the keys byte {@code keyBytes}: gaps, or fixed-width keys ({@link ShardFormat#keyBytes}). */
  public ShardWriter(OutputStream stream, int shard, int shards, byte split, long keySpace, int keyBytes)
      throws IOException {
    this.encoder = new RecordEncoder(keySpace, keyBytes);
    this.out = stream;
    ByteBuffer header = ByteBuffer.allocate(ShardFormat.MAGIC.length + 4 + 4 + 4 + 1 + 8 + 1);
    header.put(ShardFormat.MAGIC).putInt(ShardFormat.VERSION).putInt(shard).putInt(shards).put(split).putLong(keySpace)
        .put((byte) keyBytes);
    out.write(header.array());
  }

  /**
   * Appends an example; {@code keys[0..n)} must be ascending and distinct and below the key
   * space (in either layout); {@code values} may be null (every value 1).
   */
  public void write(int label, long[] keys, float[] values, int n) throws IOException {
    int length = encoder.encode(0, label, keys, values, n);
    writeEncoded(encoder.bytes(), 0, length);
  }

  /** Writes a record already encoded by a {@link RecordEncoder} of this shard's key space and keys byte. */
  public void writeEncoded(byte[] bytes, int offset, int length) throws IOException {
    if (length > BUFFER - used) {
      drain();
      if (length > BUFFER) {
        crc.update(bytes, offset, length);
        out.write(bytes, offset, length);
        records++;
        return;
      }
    }
    System.arraycopy(bytes, offset, buffer, used, length);
    used += length;
    records++;
  }

  public long records() {
    return records;
  }

  /** Checksums the records gathered and hands them to the stream. */
  private void drain() throws IOException {
    if (used > 0) {
      crc.update(buffer, 0, used);
      out.write(buffer, 0, used);
      used = 0;
    }
  }

  @Override
  public void close() throws IOException {
    try (OutputStream closing = out) {
      drain();
      ByteBuffer end = ByteBuffer.allocate(1 + 8 + 4);
      end.put((byte) 0).putLong(records).putInt((int) crc.getValue());
      closing.write(end.array());
    }
  }
}
