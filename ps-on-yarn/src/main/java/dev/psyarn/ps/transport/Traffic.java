package dev.psyarn.ps.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes on the wire of an endpoint, framing and handshake included: what the run report shows per
 * container and role, and what the paper's filters are measured by.
 */
public final class Traffic {

  private final LongAdder in = new LongAdder();
  private final LongAdder out = new LongAdder();

  public long bytesIn() {
    return in.sum();
  }

  public long bytesOut() {
    return out.sum();
  }

  /** A handler for the head of a pipeline that counts into this. */
  ChannelHandler counter() {
    return new Counter();
  }

  @ChannelHandler.Sharable
  private final class Counter extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf) {
        in.add(buf.readableBytes());
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof ByteBuf buf) {
        out.add(buf.readableBytes());
      }
      ctx.write(msg, promise);
    }
  }
}
