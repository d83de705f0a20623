package dev.psyarn.ps.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.psyarn.ps.wire.DataMessages;
import dev.psyarn.ps.wire.DataMessages.Push;
import dev.psyarn.ps.wire.Protocols;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The encoder's buffers for large frames: kept, reused once written, and all let go at the end. */
class KryoCodecTest {

  /** A pull's answer of {@code floats} values: encoded whole into a frame (a push's values are written in pieces). */
  private static Envelope answer(long id, int floats) {
    return new Envelope(id, new DataMessages.PullAnswer(floats, 0, view -> view.put(new float[floats])));
  }

  private static ByteBuf write(EmbeddedChannel channel, Envelope envelope) {
    channel.writeOutbound(envelope);
    ByteBuf frame = channel.readOutbound();
    assertNotNull(frame, "the message was encoded");
    return frame;
  }

  @Test
  void aLargePushGoesOutAsItsHeadThenItsValuesInPiecesFromTheCallersArray() {
    EmbeddedChannel channel = new EmbeddedChannel(new KryoCodec(Protocols.DATA));
    int keys = 50_000;
    long[] k = new long[keys];
    float[] v = new float[keys * 7];
    for (int i = 0; i < keys; i++) {
      k[i] = 3L * i;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = i * 0.5f;
    }
    channel.writeOutbound(new Envelope(42, new Push(0, k, v, 1, 9)));
    FloatFrame frame = channel.readOutbound();
    assertNotNull(frame, "a push of large values is a FloatFrame");
    ByteBuf head = frame.readChunk(io.netty.buffer.ByteBufAllocator.DEFAULT);
    assertEquals(frame.length() - 4, head.getInt(0), "the length prefix counts the whole frame after it");
    assertEquals(42, head.getLong(4));
    assertEquals(head.readableBytes(), frame.progress());
    head.release();
    java.nio.FloatBuffer got = java.nio.FloatBuffer.allocate(v.length);
    int pieces = 0;
    while (!frame.isEndOfInput()) {
      ByteBuf piece = frame.readChunk(io.netty.buffer.ByteBufAllocator.DEFAULT);
      assertTrue(piece.readableBytes() <= FloatFrame.PIECE * Float.BYTES);
      got.put(piece.nioBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
      piece.release();
      pieces++;
    }
    assertEquals((v.length + FloatFrame.PIECE - 1) / FloatFrame.PIECE, pieces);
    assertArrayEquals(v, got.array(), "the values, little-endian, in order");
    assertEquals(frame.length(), frame.progress());
    assertNull(frame.readChunk(io.netty.buffer.ByteBufAllocator.DEFAULT));
    frame.close();
    // One not written at all lets its head go when closed.
    channel.writeOutbound(new Envelope(43, new Push(0, k, v, 1, 10)));
    FloatFrame unsent = channel.readOutbound();
    unsent.close();
    assertTrue(unsent.isEndOfInput(), "a closed frame gives nothing more");
    assertNull(unsent.readChunk(io.netty.buffer.ByteBufAllocator.DEFAULT));
    assertFalse(channel.finish());
  }

  @Test
  void aLargerFrameReplacesAFreeBufferNotOneInFlightAndEveryKeptBufferIsReleased() {
    EmbeddedChannel channel = new EmbeddedChannel(new KryoCodec(Protocols.DATA));
    int floats = MessageFrames.LARGE / 4 + 1; // above the large size
    // Four large frames in flight at once (encoded, not yet written by the socket): four kept buffers.
    List<ByteBuf> inFlight = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      inFlight.add(write(channel, answer(i, floats)));
    }
    Set<ByteBuf> kept = Collections.newSetFromMap(new IdentityHashMap<>()); // ByteBuf.equals compares bytes
    inFlight.forEach(frame -> kept.add(root(frame)));
    assertEquals(4, kept.size(), "each frame in flight has a buffer of its own");

    // The socket has written the last three; the first is still in flight.
    for (int i = 1; i < 4; i++) {
      inFlight.get(i).release();
    }
    ByteBuf same = write(channel, answer(4, floats));
    assertSame(root(inFlight.get(1)), root(same), "a written buffer is reused for a frame of its size");
    same.release();

    // A frame larger than any kept buffer: a written one is replaced, never the one in flight.
    ByteBuf larger = write(channel, answer(5, 2 * floats));
    kept.add(root(larger));
    assertEquals(2, inFlight.get(0).refCnt(), "the frame in flight keeps its buffer (the codec's and its own)");
    larger.release();
    inFlight.get(0).release();

    channel.finishAndReleaseAll();
    for (ByteBuf buf : kept) {
      assertEquals(0, buf.refCnt(), "every buffer the codec kept is released once the channel is done");
    }
  }

  /**
   * The buffer under a frame: the codec's duplicate of a kept buffer, and that buffer, may each be
   * wrapped by Netty's leak detector (which samples buffers at random), so one {@code unwrap} is
   * not always the kept buffer.
   */
  private static ByteBuf root(ByteBuf frame) {
    ByteBuf b = frame;
    while (b.unwrap() != null) {
      b = b.unwrap();
    }
    return b;
  }
}
