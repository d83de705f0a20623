package dev.psyarn.ps.wire;

import dev.psyarn.ps.transport.BulkCodec;
import dev.psyarn.ps.wire.DataMessages.Pull;
import dev.psyarn.ps.wire.DataMessages.PullResult;
import dev.psyarn.ps.wire.DataMessages.Push;
import io.netty.buffer.ByteBuf;

/**
 * The data plane's bulk messages on the wire: {@code Push} (table, key count, value count, keys,
 * values), {@code Pull} (table, min clock, key count, keys) and {@code PullResult} (clock, value
 * count, values).
 */
final class DataBulkCodec implements BulkCodec {

  private static final byte PUSH = 1;
  private static final byte PULL = 2;
  private static final byte PULL_RESULT = 3;

  @Override
  public byte kindOf(Object message) {
    if (message instanceof Push) {
      return PUSH;
    }
    if (message instanceof Pull) {
      return PULL;
    }
    if (message instanceof PullResult) {
      return PULL_RESULT;
    }
    return 0;
  }

  @Override
  public int sizeOf(Object message) {
    if (message instanceof Push p) {
      return 12 + p.keys().length * Long.BYTES + p.values().length * Float.BYTES;
    }
    if (message instanceof Pull p) {
      return 12 + p.keys().length * Long.BYTES;
    }
    if (message instanceof PullResult r) {
      return 8 + r.values().length * Float.BYTES;
    }
    return 256;
  }

  @Override
  public void write(byte kind, Object message, ByteBuf out) {
    switch (kind) {
      case PUSH -> {
        Push p = (Push) message;
        out.writeInt(p.table()).writeInt(p.keys().length).writeInt(p.values().length);
        BulkCodec.writeLongs(out, p.keys());
        BulkCodec.writeFloats(out, p.values());
      }
      case PULL -> {
        Pull p = (Pull) message;
        out.writeInt(p.table()).writeInt(p.minClock()).writeInt(p.keys().length);
        BulkCodec.writeLongs(out, p.keys());
      }
      case PULL_RESULT -> {
        PullResult r = (PullResult) message;
        out.writeInt(r.clock()).writeInt(r.values().length);
        BulkCodec.writeFloats(out, r.values());
      }
      default -> throw new IllegalArgumentException("no data message of kind " + kind);
    }
  }

  @Override
  public Object read(byte kind, ByteBuf in) {
    return switch (kind) {
      case PUSH -> {
        int table = in.readInt();
        int keys = in.readInt();
        int values = in.readInt();
        yield new Push(table, BulkCodec.readLongs(in, keys), BulkCodec.readFloats(in, values));
      }
      case PULL -> {
        int table = in.readInt();
        int minClock = in.readInt();
        yield new Pull(table, BulkCodec.readLongs(in, in.readInt()), minClock);
      }
      case PULL_RESULT -> {
        int clock = in.readInt();
        yield new PullResult(BulkCodec.readFloats(in, in.readInt()), clock);
      }
      default -> throw new IllegalArgumentException("no data message of kind " + kind);
    };
  }
}
