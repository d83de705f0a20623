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
 * bytes, such as a push of 100k keys) is either streamed or gathered in one heap buffer that the
 * connection keeps and reuses: Netty would otherwise grow a new cumulation buffer in 4 MiB steps
 * for every such frame, copying what it holds at each step, and allocate memory above its pool's
 * chunk size afresh each time, which the kernel maps and zeroes page by page (on loopback that,
 * not the copying, was most of a large push's time). The next handler decodes a frame before this
 * one reads on.
 *
 * <p>Streamed: once a large frame's first bytes are in, the decoder after this handler is asked
 * ({@link Peek}) whether its body has a head and a tail to be taken as it arrives (a push: its
 * keys, then its values). If so, the head is gathered and passed on ({@link Head}), and each read's
 * bytes of the tail go straight to the {@link TailSink} the message's handler gave: the values of
 * a push of 100k × 64 floats are added to the table from the read buffer, still in cache, instead
 * of being copied into a 26 MB frame and read back from memory.
 */
final class MessageFrames extends ChannelInboundHandlerAdapter {

  static final int LARGE = 256 * 1024;
  /** Bytes of a large frame gathered before the decoder is asked whether to stream it: id, kind, body's start. */
  static final int PEEK = 9 + BulkCodec.PEEK;

  /** A large frame's first {@link #PEEK} bytes; the decoder sets {@link #head} to stream it. */
  static final class Peek {
    final ByteBuf start;
    final int length;
    /** The length of the frame's head (id and kind included) if its tail is streamed, else -1. */
    int head = -1;

    Peek(ByteBuf start, int length) {
      this.start = start;
      this.length = length;
    }
  }

  /** A streamed frame's head, whole; the decoder sets {@link #sink} for the {@link #tailBytes} that follow. */
  static final class Head {
    final ByteBuf head;
    final int tailBytes;
    TailSink sink;

    Head(ByteBuf head, int tailBytes) {
      this.head = head;
      this.tailBytes = tailBytes;
    }
  }

  private final int limit;
  private int headerBytes;
  private int length;
  /** The frame being gathered: {@link #large}, or a pooled buffer for a small one; null between frames. */
  private ByteBuf frame;
  private ByteBuf large;
  /** For a large frame: 0 while its first bytes are gathered, then the bytes to gather (its head, or all of it). */
  private int gather;
  /** The sink of the streamed frame whose tail is arriving, and the bytes of it still to come. */
  private TailSink tail;
  private int tailLeft;

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
        if (tail != null) {
          feedTail(in);
          continue;
        }
        if (frame == null && !startFrame(ctx, in)) {
          return;
        }
        if (frame == null) {
          continue; // a whole small frame was passed on as a slice
        }
        int want = length >= LARGE ? (gather == 0 ? PEEK : gather) : length;
        frame.writeBytes(in, Math.min(want - frame.readableBytes(), in.readableBytes()));
        if (frame.readableBytes() < want) {
          continue; // in is used up
        }
        if (length >= LARGE && gather == 0) {
          peek(ctx);
        } else if (want < length) {
          startTail(ctx);
        } else {
          deliver(ctx);
        }
      }
    } finally {
      in.release();
    }
  }

  /** Asks the decoder whether the large frame's tail is streamed, and sets what to gather. */
  private void peek(ChannelHandlerContext ctx) {
    Peek peek = new Peek(frame.duplicate(), length);
    ctx.fireChannelRead(peek);
    gather = peek.head > 0 && peek.head < length ? peek.head : length;
    if (frame.readableBytes() >= gather && gather < length) {
      startTail(ctx); // a head no longer than the first bytes
    } else {
      ByteBuf first = frame;
      frame = keptLarge(gather);
      frame.writeBytes(first);
      first.release();
    }
  }

  /** Passes the streamed frame's head on, and what came of its tail with it to the sink the decoder set. */
  private void startTail(ChannelHandlerContext ctx) {
    Head head = new Head(frame.slice(frame.readerIndex(), gather), length - gather);
    ctx.fireChannelRead(head);
    tail = head.sink != null ? head.sink : TailSink.DISCARD;
    tailLeft = head.tailBytes;
    frame.skipBytes(gather);
    ByteBuf rest = frame;
    endFrame();
    if (rest.isReadable()) {
      feedTail(rest);
    }
    release(rest);
  }

  private void feedTail(ByteBuf in) {
    int n = Math.min(tailLeft, in.readableBytes());
    tail.accept(in.slice(in.readerIndex(), n));
    in.skipBytes(n);
    tailLeft -= n;
    if (tailLeft == 0) {
      TailSink whole = tail;
      tail = null;
      whole.end();
    }
  }

  private void deliver(ChannelHandlerContext ctx) {
    ByteBuf whole = frame;
    endFrame();
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

  private void endFrame() {
    frame = null;
    headerBytes = 0;
    gather = 0;
  }

  /** Drops a gathered buffer once read: the kept one is cleared for the next frame, a pooled one released. */
  private void release(ByteBuf buf) {
    if (buf == large) {
      large.clear();
    } else {
      buf.release();
    }
  }

  /** The kept heap buffer, cleared, with room for {@code size} bytes. */
  private ByteBuf keptLarge(int size) {
    if (large == null || large.capacity() < size) {
      if (large != null) {
        large.release();
      }
      large = Unpooled.buffer(size);
    }
    return large.clear();
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
    gather = 0;
    frame = ctx.alloc().buffer(length >= LARGE ? PEEK : length);
    return true;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    abandonTail();
    super.channelInactive(ctx);
  }

  private void abandonTail() {
    if (tail != null) {
      TailSink cut = tail;
      tail = null;
      cut.abandon();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    abandonTail();
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
