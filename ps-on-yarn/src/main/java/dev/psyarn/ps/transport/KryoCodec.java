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
 * Encodes {@link Envelope}s to frames and back with one Kryo instance per channel. Installed only
 * after the handshake succeeded; the frame decoder before it delivers whole frames.
 */
final class KryoCodec extends ByteToMessageCodec<Envelope> {

  private final Kryo kryo;
  private final Output output = new Output(64 * 1024, -1);
  private final Input input = new Input(64 * 1024);

  KryoCodec(WireProtocol protocol) {
    this.kryo = protocol.newKryo();
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Envelope envelope, ByteBuf out) {
    output.setOutputStream(new ByteBufOutputStream(out));
    output.writeLong(envelope.id());
    kryo.writeClassAndObject(output, envelope.body());
    output.flush();
    output.setOutputStream(null);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
    input.setInputStream(new ByteBufInputStream(frame));
    long id = input.readLong();
    Object body = kryo.readClassAndObject(input);
    input.setInputStream(null);
    frame.skipBytes(frame.readableBytes());
    out.add(new Envelope(id, body));
  }
}
