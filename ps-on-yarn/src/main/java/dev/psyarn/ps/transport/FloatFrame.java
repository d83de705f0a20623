package dev.psyarn.ps.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;

/**
 * A frame whose head (length prefix included) is written first and whose tail, an array of floats,
 * follows a piece at a time as the socket takes it: each piece is copied from the array into a
 * pooled buffer just before it is written, so the copy and the kernel's read of it stay in cache,
 * instead of a whole push (26 MB at 100k × 64) being copied into a buffer out of cache and read
 * back by the kernel. The array is the request's until it completes (as for any push).
 */
final class FloatFrame implements ChunkedInput<ByteBuf> {

  /** Floats a piece: 512 KiB, in cache as the kernel reads it (256 KiB to 1 MiB were tried; docs/benchmarks.md). */
  static final int PIECE = 128 * 1024;

  private ByteBuf head;
  private final float[] tail;
  private final int end;
  private final long length;
  private int next;

  /** A frame of {@code head} and then the {@code count} floats of {@code tail} from {@code from}. */
  FloatFrame(ByteBuf head, float[] tail, int from, int count) {
    this.head = head;
    this.tail = tail;
    this.next = from;
    this.end = from + count;
    this.length = head.readableBytes() + (long) count * Float.BYTES;
  }

  @Override
  public boolean isEndOfInput() {
    return head == null && next == end;
  }

  /** Lets the head go if it was not written; nothing more is read. */
  @Override
  public void close() {
    if (head != null) {
      head.release();
      head = null;
    }
    next = end;
  }

  @Deprecated
  @Override
  public ByteBuf readChunk(ChannelHandlerContext ctx) {
    return readChunk(ctx.alloc());
  }

  @Override
  public ByteBuf readChunk(ByteBufAllocator allocator) {
    if (head != null) {
      ByteBuf first = head;
      head = null;
      return first;
    }
    if (next == end) {
      return null;
    }
    int n = Math.min(PIECE, end - next);
    ByteBuf piece = allocator.directBuffer(n * Float.BYTES);
    BulkCodec.writeFloats(piece, tail, next, n);
    next += n;
    return piece;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public long progress() {
    return length - (head != null ? head.readableBytes() : 0) - (long) (end - next) * Float.BYTES;
  }
}
