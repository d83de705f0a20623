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
