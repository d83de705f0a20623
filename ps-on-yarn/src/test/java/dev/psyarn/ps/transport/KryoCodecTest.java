package dev.psyarn.ps.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

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

  private static Envelope push(long id, int keys) {
    long[] k = new long[keys];
    for (int i = 0; i < keys; i++) {
      k[i] = i;
    }
    return new Envelope(id, new Push(0, k, new float[keys * 4], 0, id));
  }

  private static ByteBuf write(EmbeddedChannel channel, Envelope envelope) {
    channel.writeOutbound(envelope);
    ByteBuf frame = channel.readOutbound();
    assertNotNull(frame, "the message was encoded");
    return frame;
  }

  @Test
  void aLargerFrameReplacesAFreeBufferNotOneInFlightAndEveryKeptBufferIsReleased() {
    EmbeddedChannel channel = new EmbeddedChannel(new KryoCodec(Protocols.DATA));
    int keys = MessageFrames.LARGE / 20 + 1; // 12 bytes and more a key: above the large size
    // Four large frames in flight at once (encoded, not yet written by the socket): four kept buffers.
    List<ByteBuf> inFlight = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      inFlight.add(write(channel, push(i, keys)));
    }
    Set<ByteBuf> kept = Collections.newSetFromMap(new IdentityHashMap<>()); // ByteBuf.equals compares bytes
    inFlight.forEach(frame -> kept.add(frame.unwrap()));
    assertEquals(4, kept.size(), "each frame in flight has a buffer of its own");

    // The socket has written the last three; the first is still in flight.
    for (int i = 1; i < 4; i++) {
      inFlight.get(i).release();
    }
    ByteBuf same = write(channel, push(4, keys));
    assertSame(inFlight.get(1).unwrap(), same.unwrap(), "a written buffer is reused for a frame of its size");
    same.release();

    // A frame larger than any kept buffer: a written one is replaced, never the one in flight.
    ByteBuf larger = write(channel, push(5, 2 * keys));
    kept.add(larger.unwrap());
    assertEquals(2, inFlight.get(0).refCnt(), "the frame in flight keeps its buffer (the codec's and its own)");
    larger.release();
    inFlight.get(0).release();

    channel.finishAndReleaseAll();
    for (ByteBuf buf : kept) {
      assertEquals(0, buf.refCnt(), "every buffer the codec kept is released once the channel is done");
    }
  }
}
