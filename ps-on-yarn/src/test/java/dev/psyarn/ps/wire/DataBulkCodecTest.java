package dev.psyarn.ps.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.wire.DataMessages.Pull;
import dev.psyarn.ps.wire.DataMessages.PullAnswer;
import dev.psyarn.ps.wire.DataMessages.PullResult;
import dev.psyarn.ps.wire.DataMessages.Push;
import dev.psyarn.ps.wire.DataMessages.ReceivedPush;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** One worker's codec and one server's, as the two ends of a connection see the same byte stream. */
class DataBulkCodecTest {

  private final Random random = new Random(7);

  private long[] keys(int n) {
    return random.longs(n, 0, 1 << 24).sorted().distinct().toArray();
  }

  /** Encodes on one end, decodes on the other; returns the message and the bytes it took. */
  private static Object[] send(DataBulkCodec from, DataBulkCodec to, Object message) {
    ByteBuf wire = Unpooled.buffer();
    byte kind = from.kindOf(message);
    from.write(kind, message, wire);
    int bytes = wire.readableBytes();
    Object got = to.read(kind, wire);
    assertEquals(0, wire.readableBytes(), "the whole body is read");
    return new Object[] {got, bytes};
  }

  /** Encodes a push on one end; the other asks whether to stream it and, if so, reads its head. */
  private static Object streamed(DataBulkCodec from, DataBulkCodec to, Push push) {
    ByteBuf wire = Unpooled.buffer();
    byte kind = from.kindOf(push);
    from.write(kind, push, wire);
    int head = to.streamedHead(kind, wire.slice(0, transportPeek(wire)), wire.readableBytes());
    if (head < 0) {
      return to.read(kind, wire);
    }
    dev.psyarn.ps.transport.StreamedMessage message = to.readHead(kind, wire.slice(0, head), wire.readableBytes() - head);
    assertEquals(push.values().length * 4, wire.readableBytes() - head, "the values are the tail, whole");
    float[] tail = new float[push.values().length];
    wire.nioBuffer(head, tail.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(tail);
    assertArrayEquals(push.values(), tail);
    return message;
  }

  private static int transportPeek(ByteBuf wire) {
    return Math.min(wire.readableBytes(), dev.psyarn.ps.transport.BulkCodec.PEEK);
  }

  @Test
  void aLargeUncompressedPushIsStreamedAfterItsKeysOrItsCacheSlotAndNothingElseIs() {
    DataBulkCodec worker = new DataBulkCodec(new DataFilters(true, false));
    DataBulkCodec server = new DataBulkCodec(DataFilters.NONE);
    long[] batch = keys(20_000);
    float[] grads = new float[batch.length * 2];
    for (int i = 0; i < grads.length; i++) {
      grads[i] = random.nextFloat();
    }
    for (int round = 0; round < 2; round++) { // the keys, then their cache slot
      Object got = streamed(worker, server, new Push(0, batch, grads, 3, 9 + round));
      DataMessages.StreamedPush push = org.junit.jupiter.api.Assertions.assertInstanceOf(DataMessages.StreamedPush.class, got);
      assertArrayEquals(batch, push.keys());
      assertEquals(grads.length, push.valueCount());
      assertEquals(3, push.origin());
      assertEquals(9 + round, push.seq());
    }
    // Values under 64 KiB, and compressed pushes, are read whole.
    long[] few = keys(1000);
    assertTrue(streamed(worker, server, new Push(0, few, new float[few.length * 4])) instanceof ReceivedPush);
    DataBulkCodec packing = new DataBulkCodec(new DataFilters(false, true));
    DataBulkCodec unpacking = new DataBulkCodec(DataFilters.NONE);
    assertTrue(streamed(packing, unpacking, new Push(0, batch, grads)) instanceof ReceivedPush);
  }

  @Test
  void aLargeForwardedPushIsWrittenAsItsHeadAndFloatsAndStreamedToTheReplicaAfterItsKeys() {
    DataBulkCodec holder = new DataBulkCodec(DataFilters.NONE);
    DataBulkCodec replica = new DataBulkCodec(DataFilters.NONE);
    long[] batch = keys(20_000);
    float[] grads = new float[batch.length * 2 + 6];
    for (int i = 0; i < grads.length; i++) {
      grads[i] = random.nextFloat();
    }
    // The values a view of part of the array the holder gathered the push in.
    java.nio.FloatBuffer values = java.nio.FloatBuffer.wrap(grads, 3, batch.length * 2).slice();
    DataMessages.Replicate forward = new DataMessages.Replicate(1, 2, batch, values, 4, 17);
    byte kind = holder.kindOf(forward);
    ByteBuf whole = Unpooled.buffer();
    holder.write(kind, forward, whole);
    // What the transport sends instead: the head, then the floats from the array, a piece at a time.
    java.nio.FloatBuffer tail = holder.floatTail(forward);
    ByteBuf pieces = Unpooled.buffer();
    holder.writeHead(kind, forward, pieces);
    dev.psyarn.ps.transport.BulkCodec.writeFloats(pieces, tail.array(), tail.arrayOffset() + tail.position(),
        tail.remaining());
    assertEquals(whole, pieces, "the same bytes either way");

    int head = replica.streamedHead(kind, whole.slice(0, transportPeek(whole)), whole.readableBytes());
    assertEquals(29 + batch.length * 8, head);
    DataMessages.StreamedPush got = org.junit.jupiter.api.Assertions.assertInstanceOf(DataMessages.StreamedPush.class,
        replica.readHead(kind, whole.slice(0, head), whole.readableBytes() - head));
    assertEquals(1, got.range());
    assertEquals(2, got.table());
    assertArrayEquals(batch, got.keys());
    assertEquals(batch.length * 2, got.valueCount());
    assertEquals(4, got.origin());
    assertEquals(17, got.seq());
    float[] sent = new float[batch.length * 2];
    whole.nioBuffer(head, sent.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(sent);
    assertArrayEquals(java.util.Arrays.copyOfRange(grads, 3, 3 + sent.length), sent);
    // A small forward is read whole.
    long[] few = keys(100);
    DataMessages.Replicate small = new DataMessages.Replicate(1, 2, few, java.nio.FloatBuffer.wrap(new float[few.length]), 4,
        18);
    ByteBuf wire = Unpooled.buffer();
    holder.write(kind, small, wire);
    assertEquals(-1, replica.streamedHead(kind, wire.slice(0, transportPeek(wire)), wire.readableBytes()));
    assertTrue(replica.read(kind, wire) instanceof DataMessages.Replicate);
  }

  @Test
  void aRepeatedKeyListTravelsAsItsSlotAndArrivesIntact() {
    DataBulkCodec worker = new DataBulkCodec(new DataFilters(true, false));
    DataBulkCodec server = new DataBulkCodec(DataFilters.NONE);
    long[] batch = keys(5000);
    float[] grads = new float[batch.length];
    Object[] pull = send(worker, server, new Pull(0, batch, 3));
    assertArrayEquals(batch, ((Pull) pull[0]).keys());
    assertEquals(3, ((Pull) pull[0]).minClock());
    Object[] push = send(worker, server, new Push(0, batch.clone(), grads, 7, 1L << 40));
    assertArrayEquals(batch, ((ReceivedPush) push[0]).keys());
    assertEquals(7, ((ReceivedPush) push[0]).origin(), "the pushing worker travels with the push");
    assertEquals(1L << 40, ((ReceivedPush) push[0]).seq());
    assertEquals(grads.length, ((ReceivedPush) push[0]).values().remaining(), "the values are a view of the frame");
    assertTrue((int) push[1] < batch.length * 8 / 10 + grads.length * 4,
        "the push's keys are not sent again: " + push[1] + " bytes");
    // Other lists come and go; more than SLOTS of them evict the first, which is then sent whole.
    for (int i = 0; i < DataBulkCodec.SLOTS; i++) {
      long[] other = keys(100 + i);
      assertArrayEquals(other, ((Pull) send(worker, server, new Pull(1, other, 0))[0]).keys());
    }
    Object[] again = send(worker, server, new Pull(0, batch, 4));
    assertArrayEquals(batch, ((Pull) again[0]).keys());
    assertTrue((int) again[1] > batch.length * 8, "evicted lists are sent whole: " + again[1]);
  }

  @Test
  void lz4ShrinksCompressiblePayloadsBothWays() {
    DataBulkCodec worker = new DataBulkCodec(new DataFilters(false, true));
    DataBulkCodec server = new DataBulkCodec(DataFilters.NONE);
    DataBulkCodec plain = new DataBulkCodec(DataFilters.NONE);
    long[] dense = LongStream.range(0, 20_000).map(k -> k * 3).toArray();
    Object[] compressed = send(worker, server, new Pull(0, dense, 0));
    Object[] raw = send(plain, new DataBulkCodec(DataFilters.NONE), new Pull(0, dense, 0));
    assertArrayEquals(dense, ((Pull) compressed[0]).keys());
    assertTrue((int) compressed[1] < (int) raw[1] * 0.6, compressed[1] + " vs " + raw[1] + " bytes");
    // The server compresses its answers to a peer that compresses.
    float[] zeros = new float[dense.length];
    zeros[5] = 1.5f;
    Object[] answer = send(server, worker, new PullResult(zeros, 9));
    assertArrayEquals(zeros, ((PullResult) answer[0]).toArray());
    assertEquals(9, ((PullResult) answer[0]).clock());
    assertTrue((int) answer[1] < zeros.length, "mostly zeros compress: " + answer[1]);
  }

  @Test
  void valuesTravelExactlyAsViewsOneWayAndFromTheWriterTheOther() {
    DataBulkCodec worker = new DataBulkCodec(DataFilters.NONE);
    DataBulkCodec server = new DataBulkCodec(DataFilters.NONE);
    long[] batch = keys(3000);
    float[] grads = new float[batch.length * 3];
    for (int i = 0; i < grads.length; i++) {
      grads[i] = random.nextFloat() - 0.5f;
    }
    ReceivedPush push = (ReceivedPush) send(worker, server, new Push(2, batch, grads))[0];
    assertEquals(2, push.table());
    float[] got = new float[grads.length];
    push.values().get(got);
    assertArrayEquals(grads, got);
    // The server's answer is written by its writer into the frame; the worker reads a view.
    Object[] answer = send(server, worker, new PullAnswer(grads.length, 5, out -> out.put(grads)));
    assertArrayEquals(grads, ((PullResult) answer[0]).toArray());
    assertEquals(5, ((PullResult) answer[0]).clock());
    // A writer that does not fill its answer is a bug caught at the sender, not short values.
    ByteBuf wire = Unpooled.buffer();
    PullAnswer shortAnswer = new PullAnswer(10, 0, out -> out.put(new float[9]));
    assertThrows(IllegalStateException.class, () -> server.write(server.kindOf(shortAnswer), shortAnswer, wire));
  }

  @Test
  void aSlotTheReceiverDoesNotHoldIsAnErrorNotWrongKeys() {
    DataBulkCodec worker = new DataBulkCodec(new DataFilters(true, false));
    long[] batch = keys(100);
    send(worker, new DataBulkCodec(DataFilters.NONE), new Pull(0, batch, 0));
    ByteBuf wire = Unpooled.buffer();
    worker.write(worker.kindOf(new Pull(0, batch, 0)), new Pull(0, batch, 0), wire);
    DataBulkCodec stranger = new DataBulkCodec(DataFilters.NONE);
    assertThrows(IllegalStateException.class, () -> stranger.read((byte) 2, wire));
  }
}
