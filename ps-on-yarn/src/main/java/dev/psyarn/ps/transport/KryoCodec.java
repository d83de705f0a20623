package dev.psyarn.ps.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageCodec;
import java.util.List;

/**
 * Encodes {@link Envelope}s to frames and back. Bulk messages (a {@link BulkCodec}'s) are copied
 * as raw little-endian arrays; everything else goes through one Kryo instance per channel.
 * Installed only after the handshake succeeded; the frame decoder before it delivers whole frames.
 * Frame: request id (8 bytes), kind (1 byte: 0 Kryo, else the bulk kind), body.
 */
final class KryoCodec extends ByteToMessageCodec<Envelope> {

  private static final byte KRYO = 0;

  private final Kryo kryo;
  private final BulkCodec bulk;
  private final Output output = new Output(64 * 1024, -1);
  private final Input input = new Input(64 * 1024);

  KryoCodec(WireProtocol protocol) {
    this.kryo = protocol.newKryo();
    this.bulk = protocol.newBulk();
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Envelope envelope, ByteBuf out) {
    out.ensureWritable(9 + bulk.sizeOf(envelope.body()));
    out.writeLong(envelope.id());
    byte kind = bulk.kindOf(envelope.body());
    out.writeByte(kind);
    if (kind != KRYO) {
      bulk.write(kind, envelope.body(), out);
      return;
    }
    output.setOutputStream(new ByteBufOutputStream(out));
    kryo.writeClassAndObject(output, envelope.body());
    output.flush();
    output.setOutputStream(null);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    long id = frame.readLong();
    byte kind = frame.readByte();
    Object body;
    if (kind != KRYO) {
      body = bulk.read(kind, frame);
    } else {
      input.setInputStream(new ByteBufInputStream(frame));
      body = kryo.readClassAndObject(input);
      input.setInputStream(null);
    }
    frame.skipBytes(frame.readableBytes());
    out.add(new Envelope(id, body));
  }
}
