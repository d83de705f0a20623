package dev.psyarn.ps.transport;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.MessageToByteEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes {@link Envelope}s to frames and back. Bulk messages (a {@link BulkCodec}'s) are copied
 * as raw little-endian arrays; everything else goes through one Kryo instance per channel.
 * Installed only after the handshake succeeded; the frame decoder before it delivers whole frames.
 * Frame: request id (8 bytes), kind (1 byte: 0 Kryo, else the bulk kind), body. Both halves run
 * on the channel's event loop and share its Kryo and bulk codec (whose key cache needs both
 * directions).
 */
final class KryoCodec extends CombinedChannelDuplexHandler<KryoCodec.Decoder, KryoCodec.Encoder> {

  private static final byte KRYO = 0;
  /** Large frame buffers a connection keeps (about the requests it has in flight at once). */
  private static final int KEPT_LARGE = 4;

  KryoCodec(WireProtocol protocol) {
    Kryo kryo = protocol.newKryo();
    BulkCodec bulk = protocol.newBulk();
    init(new Decoder(kryo, bulk), new Encoder(kryo, bulk));
  }

  /**
   * Decodes each whole frame (as {@link MessageFrames} delivers them) and passes the message on
   * before releasing the frame: a bulk message may be a view of the frame's memory (a received
   * push's values), valid while the handlers after this one run on it. For a large frame, tells
   * {@link MessageFrames} whether the bulk codec streams its tail, and decodes a streamed frame's
   * head into a {@link StreamedMessage}, whose sink it hands back.
   */
  static final class Decoder extends ChannelInboundHandlerAdapter {
    private final Kryo kryo;
    private final BulkCodec bulk;
    private final Input input = new Input(64 * 1024);

    Decoder(Kryo kryo, BulkCodec bulk) {
      this.kryo = kryo;
      this.bulk = bulk;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof MessageFrames.Peek peek) {
        byte kind = peek.start.getByte(peek.start.readerIndex() + 8);
        int head = kind == KRYO ? -1
            : bulk.streamedHead(kind, peek.start.slice(peek.start.readerIndex() + 9, peek.start.readableBytes() - 9),
                peek.length - 9);
        peek.head = head < 0 ? -1 : 9 + head;
        return;
      }
      if (msg instanceof MessageFrames.Head head) {
        long id = head.head.readLong();
        StreamedMessage message = bulk.readHead(head.head.readByte(), head.head, head.tailBytes);
        ctx.fireChannelRead(new Envelope(id, message)); // the handler gives the message its sink
        head.sink = message.tail();
        return;
      }
      if (!(msg instanceof ByteBuf frame)) {
        ctx.fireChannelRead(msg);
        return;
      }
      try {
        ctx.fireChannelRead(decode(frame));
      } finally {
        frame.release();
      }
    }

    private Envelope decode(ByteBuf frame) {
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
      return new Envelope(id, body);
    }
  }

  static final class Encoder extends MessageToByteEncoder<Envelope> {
    private final Kryo kryo;
    private final BulkCodec bulk;
    private final Output output = new Output(64 * 1024, -1);
    /**
     * Direct buffers for large frames, kept for the connection and reused once the socket has
     * written them (our reference is then the only one): fresh ones above the pool's chunk size
     * would be mapped and zeroed by the kernel page by page for every large push or answer.
     */
    private final List<ByteBuf> large = new ArrayList<>();

    Encoder(Kryo kryo, BulkCodec bulk) {
      super(Envelope.class);
      this.kryo = kryo;
      this.bulk = bulk;
    }

    /**
     * A message whose body ends with a large array of floats the bulk codec lets the transport
     * write from the caller's array ({@link BulkCodec#floatTail}) goes out as a {@link FloatFrame}:
     * its head now, its floats a piece at a time as the socket takes them.
     */
    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
      if (msg instanceof Envelope envelope) {
        byte kind = bulk.kindOf(envelope.body());
        java.nio.FloatBuffer tail = kind == KRYO ? null : bulk.floatTail(envelope.body());
        if (tail != null && (long) tail.remaining() * Float.BYTES >= MessageFrames.LARGE) {
          int tailBytes = tail.remaining() * Float.BYTES;
          ByteBuf head = ctx.alloc().directBuffer(4 + 9 + bulk.sizeOf(envelope.body()) - tailBytes);
          try {
            head.writeInt(0).writeLong(envelope.id()).writeByte(kind);
            bulk.writeHead(kind, envelope.body(), head);
            head.setInt(0, head.readableBytes() - 4 + tailBytes); // the frame's length, as the prepender would write it
          } catch (RuntimeException e) {
            head.release();
            throw e;
          }
          ctx.write(new FloatFrame(head, tail.array(), tail.arrayOffset() + tail.position(), tail.remaining()), promise);
          return;
        }
      }
      super.write(ctx, msg, promise);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Envelope envelope, boolean preferDirect)
        throws Exception {
      int size = 9 + bulk.sizeOf(envelope.body());
      if (size < MessageFrames.LARGE) {
        return super.allocateBuffer(ctx, envelope, preferDirect);
      }
      ByteBuf spare = null;
      for (ByteBuf buf : large) {
        if (buf.refCnt() == 1) {
          if (buf.capacity() >= size) {
            return buf.retainedDuplicate().clear();
          }
          spare = buf;
        }
      }
      if (large.size() >= KEPT_LARGE) {
        if (spare == null) {
          return ctx.alloc().directBuffer(size); // all of them in flight: one more, not kept
        }
        ByteBuf replaced = spare; // too small for this frame: replaced by a larger one
        large.removeIf(buf -> buf == replaced); // by identity: ByteBuf.equals compares the readable bytes
        spare.release();
      }
      ByteBuf buf = Unpooled.directBuffer(size);
      large.add(buf);
      return buf.retainedDuplicate().clear();
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
    public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
      large.forEach(ByteBuf::release);
      large.clear();
      super.handlerRemoved(ctx);
    }
  }
}
