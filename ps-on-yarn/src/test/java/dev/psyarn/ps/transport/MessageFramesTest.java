package dev.psyarn.ps.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Frames as {@link MessageFrames} cuts them from a channel's reads, wherever those fall.
 */
class MessageFramesTest {

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** What the next handler got, decoded at once and let go (as the codec does). */
  private final java.util.ArrayDeque<byte[]> frames = new java.util.ArrayDeque<>();

  private EmbeddedChannel channel(MessageFrames cutter) {
    return new EmbeddedChannel(cutter, new io.netty.channel.ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        frames.add(ByteBufUtil.getBytes(frame));
        frame.release();
      }
    });
  }

  private byte[] delivered() {
    byte[] frame = frames.poll();
    assertNotNull(frame, "a whole frame was passed on");
    return frame;
  }

  @Test
  void framesSplitAnywhereOverReadsArriveWholeAndInOrder() {
    MessageFrames cutter = new MessageFrames(1 << 30);
    EmbeddedChannel channel = channel(cutter);
    byte[] large = bytes(3 * MessageFrames.LARGE + 5, 1);
    byte[] small = bytes(100, 2);
    ByteBuf stream = Unpooled.buffer();
    for (byte[] frame : new byte[][] {small, large, small, large}) {
      stream.writeInt(frame.length).writeBytes(frame);
    }
    // Reads of 3 bytes (a length split over two reads), then of 70,001: no frame boundary falls on a read's.
    int[] sizes = {3, 70_001};
    for (int i = 0; stream.isReadable(); i++) {
      channel.writeInbound(stream.readRetainedSlice(Math.min(sizes[i % 2], stream.readableBytes())));
    }
    stream.release();
    for (byte[] frame : new byte[][] {small, large, small, large}) {
      assertArrayEquals(frame, delivered());
    }
    assertTrue(frames.isEmpty());
    assertFalse(channel.finish());
  }

  @Test
  void aFrameAboveTheLimitClosesTheConnection() {
    EmbeddedChannel channel = channel(new MessageFrames(1000));
    io.netty.handler.codec.TooLongFrameException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.netty.handler.codec.TooLongFrameException.class,
        () -> channel.writeInbound(Unpooled.buffer().writeInt(1001).writeBytes(new byte[8])));
    assertTrue(e.getMessage().contains("1001 bytes is above the limit of 1000"), e.getMessage());
    assertFalse(channel.isOpen());
    assertTrue(frames.isEmpty());
  }
}
