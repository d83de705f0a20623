package dev.psyarn.ps.wire;

import dev.psyarn.ps.transport.BulkCodec;
import dev.psyarn.ps.transport.StreamedMessage;
import dev.psyarn.ps.wire.DataMessages.Pull;
import dev.psyarn.ps.wire.DataMessages.PullAnswer;
import dev.psyarn.ps.wire.DataMessages.PullResult;
import dev.psyarn.ps.wire.DataMessages.Push;
import dev.psyarn.ps.wire.DataMessages.ReceivedPush;
import dev.psyarn.ps.wire.DataMessages.StreamedPush;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.FloatBuffer;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FastDecompressor;

/**
 * The data plane's bulk messages on the wire, one codec a channel. Every body starts with a flags
 * byte, then:
 *
 * <pre>
 * Push        flags, table, key count, value count, origin, seq, [slot], payload: keys (unless cached), values
 *             (read as a {@link ReceivedPush}: the values stay in the frame)
 * Pull        flags, table, min clock, key count, [slot], payload: keys (unless cached)
 * Replicate   flags, range, table, key count, value count, origin, seq, keys, values (raw; read with
 *             the values a view of the frame, or, 64 KiB of values and more, streamed as a push's)
 * PullResult  flags, clock, value count, payload: values (a {@link PullAnswer} written, a
 *             {@link PullResult} read, whose values stay in the frame)
 * payload     raw little-endian arrays, or (flag LZ4) raw length, compressed length, LZ4 block
 * </pre>
 *
 * Key caching (paper §5): the sender keeps the last {@link #SLOTS} key lists it sent on this
 * connection, each in a slot it chooses round-robin; a list sent again goes as its slot (flag
 * CACHED) and the receiver, which stored it there (flag STORE), uses it. Both ends see the same
 * messages in the same order, so their slots agree without a round trip; a 64-bit signature of
 * the list travels with each cached use and is checked.
 */
final class DataBulkCodec implements BulkCodec {

  static final int SLOTS = 16;
  private static final byte PUSH = 1;
  private static final byte PULL = 2;
  private static final byte PULL_RESULT = 3;
  private static final byte REPLICATE = 4;
  private static final int STORE = 1;
  private static final int CACHED = 2;
  private static final int LZ4 = 4;
  private static final LZ4Factory FACTORY = LZ4Factory.fastestJavaInstance();

  private final DataFilters filters;
  private final long[][] sent = new long[SLOTS][];
  private final long[] sentSignature = new long[SLOTS];
  private int nextSlot;
  private final long[][] received = new long[SLOTS][];
  private final long[] receivedSignature = new long[SLOTS];
  /** Whether the peer sends compressed requests (then answers are compressed too). */
  private boolean peerCompresses;
  private final ByteBuf scratch = Unpooled.buffer(64 * 1024);
  private byte[] raw = new byte[64 * 1024];
  private byte[] packed = new byte[64 * 1024];

  DataBulkCodec(DataFilters filters) {
    this.filters = filters;
  }

  @Override
  public byte kindOf(Object message) {
    if (message instanceof Push) {
      return PUSH;
    }
    if (message instanceof Pull) {
      return PULL;
    }
    if (message instanceof PullResult || message instanceof PullAnswer) {
      return PULL_RESULT;
    }
    if (message instanceof DataMessages.Replicate) {
      return REPLICATE;
    }
    return 0;
  }

  @Override
  public int sizeOf(Object message) {
    if (message instanceof Push p) {
      return 36 + p.keys().length * Long.BYTES + p.values().length * Float.BYTES;
    }
    if (message instanceof Pull p) {
      return 24 + p.keys().length * Long.BYTES;
    }
    if (message instanceof PullResult r) {
      return 16 + r.values().remaining() * Float.BYTES;
    }
    if (message instanceof PullAnswer a) {
      return 16 + a.count() * Float.BYTES;
    }
    if (message instanceof DataMessages.Replicate r) {
      return 40 + r.keys().length * Long.BYTES + r.values().remaining() * Float.BYTES;
    }
    return 256;
  }

  @Override
  public void write(byte kind, Object message, ByteBuf out) {
    switch (kind) {
      case PUSH -> {
        Push p = (Push) message;
        boolean lz4 = filters.lz4();
        BulkCodec.writeFloats(pushHead(p, out, lz4), p.values());
        compressed(out, lz4);
      }
      case PULL -> {
        Pull p = (Pull) message;
        int cache = cacheKeys(p.keys());
        boolean lz4 = filters.lz4();
        out.writeByte(flags(cache, lz4)).writeInt(p.table()).writeInt(p.minClock()).writeInt(p.keys().length);
        writeSlot(out, cache);
        ByteBuf body = lz4 ? scratch.clear() : out;
        if (cache >= 0 || cache == NO_CACHE) {
          BulkCodec.writeLongs(body, p.keys());
        }
        compressed(out, lz4);
      }
      case PULL_RESULT -> {
        // The server's answers are written from the table straight into the frame.
        PullAnswer a = message instanceof PullResult r
            ? new PullAnswer(r.values().remaining(), r.clock(), view -> view.put(r.values().duplicate()))
            : (PullAnswer) message;
        out.writeByte(peerCompresses ? LZ4 : 0).writeInt(a.clock()).writeInt(a.count());
        BulkCodec.writeFloats(peerCompresses ? scratch.clear() : out, a.count(), a.values());
        compressed(out, peerCompresses);
      }
      case REPLICATE -> {
        DataMessages.Replicate r = (DataMessages.Replicate) message;
        replicateHead(r, out);
        BulkCodec.writeFloats(out, r.values().remaining(), view -> view.put(r.values().duplicate()));
      }
      default -> throw new IllegalArgumentException("no data message of kind " + kind);
    }
  }

  /**
   * An uncompressed push's values, and a forwarded push's (from the array the server holds them in),
   * are written by the transport from that array, a piece at a time.
   */
  @Override
  public FloatBuffer floatTail(Object message) {
    if (message instanceof Push p) {
      return filters.lz4() ? null : FloatBuffer.wrap(p.values());
    }
    return message instanceof DataMessages.Replicate r && r.values().hasArray() ? r.values() : null;
  }

  @Override
  public void writeHead(byte kind, Object message, ByteBuf out) {
    if (kind == PUSH && !filters.lz4()) {
      pushHead((Push) message, out, false);
    } else if (kind == REPLICATE) {
      replicateHead((DataMessages.Replicate) message, out);
    } else {
      throw new IllegalArgumentException("only an uncompressed push or a forwarded one is written without its values");
    }
  }

  /** A forwarded push's fields and keys: all of its frame but the values. */
  private static void replicateHead(DataMessages.Replicate r, ByteBuf out) {
    out.writeByte(0).writeInt(r.range()).writeInt(r.table()).writeInt(r.keys().length).writeInt(r.values().remaining())
        .writeInt(r.origin()).writeLong(r.seq());
    BulkCodec.writeLongs(out, r.keys());
  }

  /** Writes a push's fields and its keys (unless cached); returns where its values go. */
  private ByteBuf pushHead(Push p, ByteBuf out, boolean lz4) {
    int cache = cacheKeys(p.keys());
    out.writeByte(flags(cache, lz4)).writeInt(p.table()).writeInt(p.keys().length).writeInt(p.values().length)
        .writeInt(p.origin()).writeLong(p.seq());
    writeSlot(out, cache);
    ByteBuf body = lz4 ? scratch.clear() : out;
    if (cache >= 0 || cache == NO_CACHE) {
      BulkCodec.writeLongs(body, p.keys());
    }
    return body;
  }

  @Override
  public Object read(byte kind, ByteBuf in) {
    int flags = in.readByte();
    return switch (kind) {
      case PUSH -> {
        PushHeader h = pushHeader(in, flags);
        ByteBuf body = payload(in, flags);
        long[] keys = keys(body, flags, h.slot(), h.keyCount());
        yield new ReceivedPush(h.table(), keys, BulkCodec.viewFloats(body, h.valueCount()), h.origin(), h.seq());
      }
      case PULL -> {
        int table = in.readInt();
        int minClock = in.readInt();
        int keyCount = in.readInt();
        int slot = readSlot(in, flags);
        ByteBuf body = payload(in, flags);
        long[] keys = keys(body, flags, slot, keyCount);
        yield new Pull(table, keys, minClock);
      }
      case PULL_RESULT -> {
        int clock = in.readInt();
        int count = in.readInt();
        yield new PullResult(BulkCodec.viewFloats(payload(in, flags), count), clock);
      }
      case REPLICATE -> {
        StreamedPush h = forwardHead(in);
        yield new DataMessages.Replicate(h.range(), h.table(), h.keys(), BulkCodec.viewFloats(in, h.valueCount()),
            h.origin(), h.seq());
      }
      default -> throw new IllegalArgumentException("no data message of kind " + kind);
    };
  }

  /**
   * A push of at least {@link #STREAMED} bytes of values, uncompressed, is streamed: its head is
   * everything up to its values.
   */
  @Override
  public int streamedHead(byte kind, ByteBuf start, int bodyLength) {
    int at = start.readerIndex();
    if (kind == REPLICATE && start.readableBytes() >= 17) {
      int keyCount = start.getInt(at + 9);
      int valueCount = start.getInt(at + 13);
      long head = 29 + (long) keyCount * Long.BYTES;
      return keyCount >= 0 && valueCount >= STREAMED / Float.BYTES
          && head + (long) valueCount * Float.BYTES == bodyLength ? (int) head : -1;
    }
    if (kind != PUSH || start.readableBytes() < 13) {
      return -1;
    }
    int flags = start.getByte(at);
    int keyCount = start.getInt(at + 5);
    int valueCount = start.getInt(at + 9);
    if ((flags & LZ4) != 0 || keyCount < 0 || valueCount < STREAMED / Float.BYTES) {
      return -1;
    }
    long head = 25 + ((flags & (STORE | CACHED)) != 0 ? 9 : 0) + ((flags & CACHED) != 0 ? 0 : (long) keyCount * Long.BYTES);
    return head + (long) valueCount * Float.BYTES == bodyLength ? (int) head : -1; // else read whole, to fail there
  }

  @Override
  public StreamedMessage readHead(byte kind, ByteBuf in, int tailBytes) {
    if (kind == REPLICATE) {
      in.readByte(); // flags: none
      StreamedPush forward = forwardHead(in);
      if ((long) forward.valueCount() * Float.BYTES != tailBytes) {
        throw new IllegalArgumentException("a forwarded push of " + forward.valueCount() + " values followed by "
            + tailBytes + " bytes");
      }
      return forward;
    }
    if (kind != PUSH) {
      throw new IllegalArgumentException("no streamed data message of kind " + kind);
    }
    int flags = in.readByte();
    PushHeader h = pushHeader(in, flags);
    long[] keys = keys(in, flags, h.slot(), h.keyCount());
    if ((long) h.valueCount() * Float.BYTES != tailBytes) {
      throw new IllegalArgumentException("a push of " + h.valueCount() + " values followed by " + tailBytes + " bytes");
    }
    return new StreamedPush(h.table(), keys, h.valueCount(), h.origin(), h.seq());
  }

  /** A forwarded push's fields and keys (after its flags), as a push whose values follow. */
  private static StreamedPush forwardHead(ByteBuf in) {
    int range = in.readInt();
    int table = in.readInt();
    int keyCount = in.readInt();
    int valueCount = in.readInt();
    int origin = in.readInt();
    long seq = in.readLong();
    return new StreamedPush(range, table, BulkCodec.readLongs(in, keyCount), valueCount, origin, seq);
  }

  /** A push's fields before its payload (after its flags), its key cache slot read (-1 for none). */
  private record PushHeader(int table, int keyCount, int valueCount, int origin, long seq, int slot) {}

  private PushHeader pushHeader(ByteBuf in, int flags) {
    int table = in.readInt();
    int keyCount = in.readInt();
    int valueCount = in.readInt();
    int origin = in.readInt();
    long seq = in.readLong();
    return new PushHeader(table, keyCount, valueCount, origin, seq, readSlot(in, flags));
  }

  /** Bytes of values from which a push's values are streamed (see {@link #streamedHead}). */
  static final int STREAMED = 64 * 1024;

  /** The keys of a request: from the payload or the cache slot; stored when the sender says so. */
  private long[] keys(ByteBuf body, int flags, int slot, int count) {
    long[] keys = (flags & CACHED) != 0 ? cached(slot, count) : BulkCodec.readLongs(body, count);
    remember(flags, slot, keys);
    return keys;
  }

  /** No caching for this list: send the keys, store nothing. */
  private static final int NO_CACHE = -1;

  /**
   * The slot of a key list: {@code s} (0 to SLOTS − 1) to send it and store it in slot s,
   * {@code −2 − s} when slot s already holds it (send the slot only), or {@link #NO_CACHE}.
   */
  private int cacheKeys(long[] keys) {
    if (!filters.keyCaching() || keys.length < 4) {
      return NO_CACHE;
    }
    long signature = signature(keys);
    for (int s = 0; s < SLOTS; s++) {
      if (sent[s] != null && sentSignature[s] == signature && Arrays.equals(sent[s], keys)) {
        return -2 - s;
      }
    }
    int s = nextSlot;
    nextSlot = (nextSlot + 1) % SLOTS;
    sent[s] = keys;
    sentSignature[s] = signature;
    return s;
  }

  private static int flags(int cache, boolean lz4) {
    return (cache >= 0 ? STORE : 0) | (cache <= -2 ? CACHED : 0) | (lz4 ? LZ4 : 0);
  }

  private void writeSlot(ByteBuf out, int cache) {
    if (cache >= 0) {
      out.writeByte(cache).writeLong(sentSignature[cache]);
    } else if (cache <= -2) {
      int s = -2 - cache;
      out.writeByte(s).writeLong(sentSignature[s]);
    }
  }

  private long pendingSignature;

  private int readSlot(ByteBuf in, int flags) {
    if ((flags & (STORE | CACHED)) == 0) {
      return -1;
    }
    int slot = in.readUnsignedByte();
    if (slot >= SLOTS) {
      throw new IllegalArgumentException("key cache slot " + slot + " out of range");
    }
    pendingSignature = in.readLong();
    return slot;
  }

  private long[] cached(int slot, int count) {
    long[] keys = received[slot];
    if (keys == null || keys.length != count || receivedSignature[slot] != pendingSignature) {
      throw new IllegalStateException("key cache slot " + slot + " does not hold the list the peer means");
    }
    return keys;
  }

  private void remember(int flags, int slot, long[] keys) {
    if ((flags & LZ4) != 0) {
      peerCompresses = true;
    }
    if ((flags & STORE) != 0) {
      if (signature(keys) != pendingSignature) {
        throw new IllegalStateException("key list does not match its signature");
      }
      received[slot] = keys;
      receivedSignature[slot] = pendingSignature;
    }
  }

  /**
   * With LZ4, writes {@link #scratch} (where the payload was gathered) compressed; without, the
   * payload was written straight to {@code out} and there is nothing to do.
   */
  private void compressed(ByteBuf out, boolean lz4) {
    if (!lz4) {
      return;
    }
    int length = scratch.readableBytes();
    LZ4Compressor compressor = FACTORY.fastCompressor();
    if (raw.length < length) {
      raw = new byte[length];
    }
    scratch.getBytes(0, raw, 0, length);
    int bound = compressor.maxCompressedLength(length);
    if (packed.length < bound) {
      packed = new byte[bound];
    }
    int size = compressor.compress(raw, 0, length, packed, 0, bound);
    out.writeInt(length).writeInt(size).writeBytes(packed, 0, size);
  }

  private ByteBuf payload(ByteBuf in, int flags) {
    if ((flags & LZ4) == 0) {
      return in;
    }
    int length = in.readInt();
    int size = in.readInt();
    if (length < 0 || size < 0 || size > in.readableBytes() || length > 1 << 30) {
      throw new IllegalArgumentException("compressed payload of " + size + " bytes claims " + length);
    }
    byte[] out = new byte[length];
    LZ4FastDecompressor d = FACTORY.fastDecompressor();
    byte[] src = new byte[size];
    in.readBytes(src);
    d.decompress(src, 0, out, 0, length);
    return Unpooled.wrappedBuffer(out);
  }

  /** A 64-bit signature of a key list (MurmurHash3's finalizer over a running mix). */
  static long signature(long[] keys) {
    long h = keys.length * 0x9E3779B97F4A7C15L;
    for (long k : keys) {
      h = (h ^ k) * 0xff51afd7ed558ccdL;
      h ^= h >>> 32;
    }
    h ^= h >>> 33;
    h *= 0xc4ceb93fe53ef64fL;
    return h ^ (h >>> 33);
  }
}
