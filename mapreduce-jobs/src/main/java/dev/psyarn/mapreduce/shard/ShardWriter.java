package dev.psyarn.mapreduce.shard;

import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;

/** Writes one shard file (see {@link ShardFormat}); closing writes the end and the checksum. */
public final class ShardWriter implements Closeable {

  private final DataOutputStream out;
  private final CRC32 crc = new CRC32();
  private final RecordEncoder encoder;
  private long records;

  public ShardWriter(OutputStream stream, int shard, int shards, byte split, long keySpace) throws IOException {
    this.out = new DataOutputStream(new java.io.BufferedOutputStream(stream, 1 << 16));
    this.encoder = new RecordEncoder(keySpace);
    out.write(ShardFormat.MAGIC);
    out.writeInt(ShardFormat.VERSION);
    out.writeInt(shard);
    out.writeInt(shards);
    out.writeByte(split);
    out.writeLong(keySpace);
  }

  /**
   * Appends an example; {@code keys[0..n)} must be ascending and distinct and below the key
   * space; {@code values} may be null (every value 1).
   */
  public void write(int label, long[] keys, float[] values, int n) throws IOException {
    int length = encoder.encode(0, label, keys, values, n);
    writeEncoded(encoder.bytes(), 0, length);
  }

  /** Writes a record already encoded by {@link RecordEncoder}. */
  public void writeEncoded(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    crc.update(bytes, offset, length);
    records++;
  }

  public long records() {
    return records;
  }

  @Override
  public void close() throws IOException {
    out.writeByte(0);
    out.writeLong(records);
    out.writeInt((int) crc.getValue());
    out.close();
  }
}
