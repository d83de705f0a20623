package dev.psyarn.ps.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
        if (msg instanceof MessageFrames.Peek peek) {
          assertTrue(peek.start.readableBytes() >= MessageFrames.PEEK && peek.length >= MessageFrames.LARGE);
          return; // not streamed: gathered whole
        }
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

  /** A decoder that streams every large frame whose first byte is {@code stream}, after a head of {@code head} bytes. */
  private final class Streaming extends io.netty.channel.ChannelInboundHandlerAdapter {
    final java.util.List<String> events = new java.util.ArrayList<>();
    final java.io.ByteArrayOutputStream heads = new java.io.ByteArrayOutputStream();
    final java.io.ByteArrayOutputStream tails = new java.io.ByteArrayOutputStream();
    private final int head;

    Streaming(int head) {
      this.head = head;
    }

    @Override
    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof MessageFrames.Peek peek) {
        peek.head = peek.start.getByte(peek.start.readerIndex()) == 1 ? head : -1;
      } else if (msg instanceof MessageFrames.Head h) {
        heads.writeBytes(ByteBufUtil.getBytes(h.head));
        events.add("head " + h.head.readableBytes() + " + " + h.tailBytes);
        h.sink = new TailSink() {
          @Override
          public void accept(ByteBuf bytes) {
            tails.writeBytes(ByteBufUtil.getBytes(bytes));
          }

          @Override
          public void end() {
            events.add("end");
          }

          @Override
          public void abandon() {
            events.add("abandon after " + tails.size());
          }
        };
      } else {
        ByteBuf frame = (ByteBuf) msg;
        frames.add(ByteBufUtil.getBytes(frame));
        events.add("frame " + frame.readableBytes());
        frame.release();
      }
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {20, MessageFrames.PEEK, 100_000})
  void aStreamedFramesTailGoesToItsSinkAsItArrivesWhereverTheReadsFall(int head) {
    Streaming decoder = new Streaming(head);
    EmbeddedChannel channel = new EmbeddedChannel(new MessageFrames(1 << 30), decoder);
    byte[] streamed = bytes(2 * MessageFrames.LARGE + 3, 3);
    streamed[0] = 1;
    byte[] gathered = bytes(MessageFrames.LARGE, 4);
    gathered[0] = 0;
    byte[] small = bytes(100, 5);
    ByteBuf stream = Unpooled.buffer();
    for (byte[] frame : new byte[][] {small, streamed, gathered, streamed, small}) {
      stream.writeInt(frame.length).writeBytes(frame);
    }
    int[] sizes = {1, 7, 65_536, 13, 40_001};
    for (int i = 0; stream.isReadable(); i++) {
      channel.writeInbound(stream.readRetainedSlice(Math.min(sizes[i % sizes.length], stream.readableBytes())));
    }
    stream.release();
    String headEvent = "head " + head + " + " + (streamed.length - head);
    assertEquals(java.util.List.of("frame 100", headEvent, "end", "frame " + gathered.length, headEvent, "end",
        "frame 100"), decoder.events);
    byte[] expectedHeads = new byte[2 * head];
    System.arraycopy(streamed, 0, expectedHeads, 0, head);
    System.arraycopy(streamed, 0, expectedHeads, head, head);
    assertArrayEquals(expectedHeads, decoder.heads.toByteArray());
    byte[] expectedTails = new byte[2 * (streamed.length - head)];
    System.arraycopy(streamed, head, expectedTails, 0, streamed.length - head);
    System.arraycopy(streamed, head, expectedTails, streamed.length - head, streamed.length - head);
    assertArrayEquals(expectedTails, decoder.tails.toByteArray());
    assertArrayEquals(small, delivered());
    assertArrayEquals(gathered, delivered());
    assertArrayEquals(small, delivered());
    assertFalse(channel.finish());
  }

  @Test
  void aConnectionLostMidTailAbandonsTheSinkOnce() {
    Streaming decoder = new Streaming(30);
    EmbeddedChannel channel = new EmbeddedChannel(new MessageFrames(1 << 30), decoder);
    byte[] streamed = bytes(MessageFrames.LARGE, 6);
    streamed[0] = 1;
    channel.writeInbound(Unpooled.buffer().writeInt(streamed.length).writeBytes(streamed, 0, 1000));
    channel.close();
    assertEquals(java.util.List.of("head 30 + " + (streamed.length - 30), "abandon after 970"), decoder.events);
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
