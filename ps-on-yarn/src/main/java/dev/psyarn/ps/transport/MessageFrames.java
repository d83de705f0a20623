package dev.psyarn.ps.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Length-prefixed frames (a 4-byte big-endian length, then the frame) after the handshake.
 *
 * <p>A small frame that arrived whole in one read is passed on as a slice of it, without a copy;
 * one split over reads is gathered in a pooled buffer. A large frame (at least {@link #LARGE}
 * bytes, such as a push of 100k keys) is gathered in one heap buffer that the connection keeps and
 * reuses: Netty would otherwise grow a new cumulation buffer in 4 MiB steps for every such frame,
 * copying what it holds at each step, and allocate memory above its pool's chunk size afresh each
 * time, which the kernel maps and zeroes page by page (on loopback that, not the copying, was most
 * of a large push's time). The next handler decodes a frame before this one reads on.
 */
final class MessageFrames extends ChannelInboundHandlerAdapter {

  static final int LARGE = 256 * 1024;

  private final int limit;
  private int headerBytes;
  private int length;
  /** The frame being gathered: {@link #large}, or a pooled buffer for a small one; null between frames. */
  private ByteBuf frame;
  private ByteBuf large;

  MessageFrames(int limit) {
    this.limit = limit;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      while (in.isReadable()) {
        if (frame == null && !startFrame(ctx, in)) {
          return;
        }
        if (frame == null) {
          continue; // a whole small frame was passed on as a slice
        }
        frame.writeBytes(in, Math.min(length - frame.readableBytes(), in.readableBytes()));
        if (frame.readableBytes() == length) {
          ByteBuf whole = frame;
          frame = null;
          headerBytes = 0;
          if (whole == large) {
            ctx.fireChannelRead(large.retainedDuplicate());
            if (large.refCnt() == 1) {
              large.clear();
            } else {
              large.release(); // still held downstream: let it go and gather the next one anew
              large = null;
            }
          } else {
            ctx.fireChannelRead(whole);
          }
        }
      }
    } finally {
      in.release();
    }
  }

  /**
   * Reads the length (as much of it as {@code in} holds) and starts the frame; false when the
   * length is still incomplete. A small frame that {@code in} holds whole is passed on at once.
   */
  private boolean startFrame(ChannelHandlerContext ctx, ByteBuf in) throws TooLongFrameException {
    if (headerBytes == 0 && in.readableBytes() >= 4) {
      length = in.readInt();
      headerBytes = 4;
    } else {
      if (headerBytes == 0) {
        length = 0;
      }
      while (headerBytes < 4 && in.isReadable()) {
        length = (length << 8) | in.readUnsignedByte();
        headerBytes++;
      }
      if (headerBytes < 4) {
        return false;
      }
    }
    if (length < 0 || length > limit) {
      ctx.close();
      throw new TooLongFrameException("a frame of " + (length & 0xFFFFFFFFL) + " bytes is above the limit of "
          + limit + "; connection closed");
    }
    if (length < LARGE && in.readableBytes() >= length) {
      headerBytes = 0;
      ctx.fireChannelRead(in.readRetainedSlice(length));
      return true;
    }
    if (length >= LARGE) {
      if (large == null || large.capacity() < length) {
        if (large != null) {
          large.release();
        }
        large = Unpooled.buffer(length);
      }
      frame = large;
    } else {
      frame = ctx.alloc().buffer(length);
    }
    return true;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (frame != null && frame != large) {
      frame.release();
    }
    frame = null;
    if (large != null) {
      large.release();
      large = null;
    }
  }
}
