package dev.psyarn.mapreduce.shard;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Reads a shard file (see {@link ShardFormat}; versions 1 and 2) record by record into a reused {@link Example}.
 * A file that is truncated, of another version or whose checksum does not match is an
 * {@link IOException} naming the file and what is wrong.
 */
public final class ShardReader implements Closeable {

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final String name;
  private final DataInputStream in;
  private final CRC32 crc = new CRC32();
  private final int shard;
  private final int shards;
  private final byte split;
  private final long keySpace;
  /** The keys byte: {@link ShardFormat#GAPS}, or the bytes a key. */
  private final int keyBytes;
  private final int keyShift;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private int crcFrom;
  private long records;
  private boolean ended;

  public ShardReader(InputStream stream, String name) throws IOException {
    this.name = name;
    this.in = new DataInputStream(stream);
    byte[] magic = new byte[ShardFormat.MAGIC.length];
    try {
      in.readFully(magic);
      if (!Arrays.equals(magic, ShardFormat.MAGIC)) {
        throw new IOException(name + " is not a psyarn shard (it does not start with PSYSHARD)");
      }
      int version = in.readInt();
      if (version != 1 && version != ShardFormat.VERSION) {
        throw new IOException(name + " is a shard of format version " + version + "; this psyarn reads versions 1 to "
            + ShardFormat.VERSION);
      }
      shard = in.readInt();
      shards = in.readInt();
      split = in.readByte();
      keySpace = in.readLong();
      keyBytes = version == 1 ? ShardFormat.GAPS : in.readByte();
      if (keyBytes != ShardFormat.GAPS && (keyBytes > 8 || keySpace < 1 || keyBytes < ShardFormat.keyBytes(keySpace))) {
        throw new IOException(name + " has keys of " + keyBytes + " bytes for a key space of " + keySpace
            + "; a shard's keys take 0 (gaps) or 1 to 8 bytes, enough for its key space");
      }
      keyShift = 64 - 8 * keyBytes;
    } catch (EOFException e) {
      throw new IOException(name + " is truncated within its header", e);
    }
  }

  /** Opens a shard on any Hadoop file system. */
  public static ShardReader open(Configuration conf, Path path) throws IOException {
    return new ShardReader(path.getFileSystem(conf).open(path), path.toString());
  }

  public int shard() {
    return shard;
  }

  public int shards() {
    return shards;
  }

  public byte split() {
    return split;
  }

  /** Keys are below this; it is itself free (the trainer's bias key). */
  public long keySpace() {
    return keySpace;
  }

  public long records() {
    return records;
  }

  /** Reads the next example into {@code ex}; false at the end (after checking count and checksum). */
  public boolean next(Example ex) throws IOException {
    if (ended) {
      return false;
    }
    try {
      if (peek() == 0) {
        crc.update(buf, crcFrom, pos - crcFrom);
        pos++;
        crcFrom = pos;
        ended = true;
        long count = (long) readInt() << 32 | (readInt() & 0xFFFFFFFFL);
        int expected = readInt();
        if (count != records) {
          throw new IOException(name + " holds " + records + " records but its end says " + count);
        }
        if (expected != (int) crc.getValue()) {
          throw new IOException(name + " is corrupt: its checksum does not match its records");
        }
        return false;
      }
      int n = Math.toIntExact(varint() - 1);
      ex.ensure(n);
      int flags = readByte();
      ex.label = flags & 1;
      ex.hasValues = (flags & 2) != 0;
      ex.size = n;
      if (keyBytes == ShardFormat.GAPS) {
        long key = -1;
        for (int i = 0; i < n; i++) {
          long v = varint();
          key = i == 0 ? v : key + v;
          ex.keys[i] = key;
        }
      } else {
        for (int i = 0; i < n; i++) {
          ex.keys[i] = fixedKey();
        }
      }
      if (ex.hasValues) {
        for (int i = 0; i < n; i++) {
          ex.values[i] = Float.intBitsToFloat(readInt());
        }
      }
      records++;
      return true;
    } catch (EOFException e) {
      throw new IOException(name + " is truncated after " + records + " records (no end marker)", e);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private int peek() throws IOException {
    if (pos == limit) {
      fill();
    }
    return buf[pos] & 0xFF;
  }

  private int readByte() throws IOException {
    if (pos == limit) {
      fill();
    }
    return buf[pos++] & 0xFF;
  }

  private int readInt() throws IOException {
    return (readByte() << 24) | (readByte() << 16) | (readByte() << 8) | readByte();
  }

  /** A key of {@link #keyBytes} bytes: a word read at once where the buffer holds 8 more bytes. */
  private long fixedKey() throws IOException {
    if (limit - pos >= 8) {
      long v = (long) LONGS.get(buf, pos) >>> keyShift;
      pos += keyBytes;
      return v;
    }
    long v = 0;
    for (int i = 0; i < keyBytes; i++) {
      v = v << 8 | readByte();
    }
    return v;
  }

  private long varint() throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IOException(name + " has a malformed number after " + records + " records");
  }

  /** Refills the buffer, adding what was consumed since the last refill to the checksum. */
  private void fill() throws IOException {
    if (!ended) {
      crc.update(buf, crcFrom, pos - crcFrom);
    }
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      throw new EOFException();
    }
    pos = 0;
    limit = n;
    crcFrom = 0;
  }
}
