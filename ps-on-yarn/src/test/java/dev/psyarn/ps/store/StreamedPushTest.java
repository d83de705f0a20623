package dev.psyarn.ps.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.transport.RequestHandler;
import dev.psyarn.ps.transport.TailSink;
import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.wire.DataMessages.Ack;
import dev.psyarn.ps.wire.DataMessages.CreateTable;
import dev.psyarn.ps.wire.DataMessages.Handover;
import dev.psyarn.ps.wire.DataMessages.HandoverReply;
import dev.psyarn.ps.wire.DataMessages.Pull;
import dev.psyarn.ps.wire.DataMessages.PullAnswer;
import dev.psyarn.ps.wire.DataMessages.ReceivedPush;
import dev.psyarn.ps.wire.DataMessages.Replicate;
import dev.psyarn.ps.wire.DataMessages.StreamedPush;
import dev.psyarn.ps.worker.KeyRanges;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A server taking pushes whose values arrive after their keys, a read at a time ({@link
 * StreamedPush}): applied as they come, cut off mid-way and replayed, dropped when applied before,
 * gathered whole while the server is not yet open.
 */
class StreamedPushTest {

  private static final int WIDTH = 16;
  private final long[] keys = new Random(1).longs(3000, 0, Long.MAX_VALUE).distinct().sorted().toArray();
  private final float[] values = new float[keys.length * WIDTH];

  StreamedPushTest() {
    Random random = new Random(2);
    for (int i = 0; i < values.length; i++) {
      values[i] = 1 + random.nextInt(100);
    }
  }

  /** What one request was answered. */
  static final class Answer implements RequestHandler.Reply {
    volatile Object ok;

    @Override
    public void ok(Object response) {
      ok = response;
    }

    @Override
    public void error(String message) {
      throw new AssertionError(message);
    }
  }

  static Object call(ServerStore store, Object request) {
    Answer answer = new Answer();
    store.handle(request, answer);
    assertNotNull(answer.ok, "answered at once");
    return answer.ok;
  }

  private float[] pull(ServerStore store) {
    return pull(store, keys);
  }

  /** Table 0's values of {@code keys} on {@code store}. */
  static float[] pull(ServerStore store, long[] keys) {
    PullAnswer answer = (PullAnswer) call(store, new Pull(0, keys, Integer.MIN_VALUE));
    float[] out = new float[answer.count()];
    answer.values().accept(FloatBuffer.wrap(out));
    return out;
  }

  private ByteBuf wire() {
    return wire(values);
  }

  /** The values as the wire carries them, little-endian. */
  static ByteBuf wire(float[] values) {
    ByteBuf bytes = Unpooled.buffer(values.length * Float.BYTES);
    bytes.nioBuffer(0, bytes.capacity()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
    return bytes.writerIndex(bytes.capacity());
  }

  /** Hands the sink {@code bytes} of the values from {@code from}, in reads of 1,001 bytes (floats split across reads). */
  static void feed(TailSink sink, ByteBuf wire, int from, int bytes) {
    for (int at = from; at < from + bytes; at += 1001) {
      sink.accept(wire.slice(at, Math.min(1001, from + bytes - at)));
    }
  }

  /** Hands the store the push and all of its values; returns its answer, which came at the end. */
  private Answer streamWhole(ServerStore store, StreamedPush push, ByteBuf wire) {
    Answer answer = new Answer();
    store.handle(push, answer);
    feed(push.tail(), wire, 0, wire.readableBytes());
    assertNull(answer.ok, "not before the end");
    push.tail().end();
    assertNotNull(answer.ok);
    return answer;
  }

  /** A peer that takes every request into {@code requests} and acknowledges it. */
  static PeerChannel recording(List<Object> requests) {
    return new PeerChannel() {
      @Override
      public CompletableFuture<Object> call(Object request) {
        requests.add(request);
        return CompletableFuture.completedFuture(new Ack());
      }

      @Override
      public void close() {}
    };
  }

  static float[] times(float[] v, int k) {
    float[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] *= k;
    }
    return out;
  }

  @Test
  void aPushCutOffMidwayAndReplayedIsAppliedExactlyOnceWhicheverWayTheReplayComes() {
    for (boolean replayStreamed : new boolean[] {true, false}) {
      ServerStore store = new ServerStore();
      call(store, new CreateTable(0, WIDTH, UpdaterSpec.SUM));
      ByteBuf wire = wire();
      StreamedPush first = new StreamedPush(0, keys, values.length, 0, 1);
      Answer firstAnswer = new Answer();
      store.handle(first, firstAnswer);
      feed(first.tail(), wire, 0, 77_777); // 1,215 rows and a part of the next
      first.tail().abandon(); // the worker's JVM died mid-push
      assertNull(firstAnswer.ok, "not acknowledged");
      Answer replayed = new Answer();
      if (replayStreamed) {
        StreamedPush again = new StreamedPush(0, keys, values.length, 0, 1);
        store.handle(again, replayed);
        feed(again.tail(), wire, 0, wire.readableBytes());
        again.tail().end();
      } else {
        store.handle(new ReceivedPush(0, keys, FloatBuffer.wrap(values), 0, 1), replayed);
      }
      assertNotNull(replayed.ok);
      assertArrayEquals(values, pull(store), "replayed " + (replayStreamed ? "streamed" : "whole"));
      assertEquals(keys.length, store.keysPushed() + 1215, "the replay applied the rows the first had not");
      // The same push once more: applied before, acknowledged and dropped.
      streamWhole(store, new StreamedPush(0, keys, values.length, 0, 1), wire);
      assertEquals(1, store.pushesDropped());
      assertArrayEquals(values, pull(store));
      wire.release();
    }
  }

  @Test
  void aForwardCutOffMidwayOnAReplicaIsCompletedByTheWorkersReplayOnceTheReplicaServesTheRange() throws Exception {
    // Server 0 of 2 holds range 1 (keys at or above 0) as its replica.
    ServerStore replica = new ServerStore(0, 2, 1, 0, snapshot -> {},
        new ServerStore.Replication(1, KeyRanges.even(2), (host, port) -> {
          throw new AssertionError("no replica to connect");
        }));
    replica.replicateTo(new String[] {null, null});
    call(replica, new CreateTable(0, WIDTH, UpdaterSpec.SUM));
    ByteBuf wire = wire();
    StreamedPush forward = new StreamedPush(1, 0, keys, values.length, 0, 1); // range 1's holder forwards push 1
    Answer forwardAnswer = new Answer();
    replica.handle(forward, forwardAnswer);
    feed(forward.tail(), wire, 0, 77_777);
    forward.tail().abandon(); // the holder died mid-forward
    assertNull(forwardAnswer.ok);
    assertEquals(1, replica.pushesCutOff());
    // The worker's replay of push 1 reaches the replica, which serves range 1 now: the rows the forward had not brought.
    streamWhole(replica, new StreamedPush(0, keys, values.length, 0, 1), wire);
    assertArrayEquals(values, pull(replica));
    // A forward streamed whole, then the same forward again: applied once.
    for (int i = 0; i < 2; i++) {
      streamWhole(replica, new StreamedPush(1, 0, keys, values.length, 0, 2), wire);
    }
    assertEquals(1, replica.pushesDropped());
    assertArrayEquals(times(values, 2), pull(replica));
    wire.release();
  }

  @Test
  void aHandoverWaitsForAPushBeingAddedAsItArrivesSoItsCopyHoldsAllOfTheRows() throws Exception {
    List<Object> forwarded = new CopyOnWriteArrayList<>();
    ServerStore holder = new ServerStore(1, 2, 1, 0, snapshot -> {},
        new ServerStore.Replication(1, KeyRanges.even(2), (host, port) -> recording(forwarded)));
    holder.replicateTo(new String[] {null, null}); // its replica is gone: pushes to range 1 stream
    call(holder, new CreateTable(0, WIDTH, UpdaterSpec.SUM));
    ByteBuf wire = wire();
    StreamedPush push = new StreamedPush(0, keys, values.length, 0, 1);
    Answer pushed = new Answer();
    holder.handle(push, pushed);
    feed(push.tail(), wire, 0, 77_777); // 1,215 rows in
    Answer handedOver = new Answer();
    holder.handle(new Handover(1, 0, "replacement", 9), handedOver); // a replacement for the replica asks for range 1
    Thread.sleep(300);
    assertNull(handedOver.ok, "the copy waits for the push under way");
    feed(push.tail(), wire, 77_777, wire.readableBytes() - 77_777);
    push.tail().end();
    assertNotNull(pushed.ok);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (handedOver.ok == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    ServerSnapshot copy = Checkpoints.decode(((HandoverReply) handedOver.ok).snapshot());
    ServerStore replacement = new ServerStore();
    replacement.restore(copy, key -> true, false);
    assertArrayEquals(values, pull(replacement), "every row of the push in the copy");
    // The next push is forwarded to the replacement, whole.
    streamWhole(holder, new StreamedPush(0, keys, values.length, 0, 2), wire);
    assertEquals(1, forwarded.size(), forwarded.toString());
    assertEquals(2, ((Replicate) forwarded.get(0)).seq());
    assertArrayEquals(times(values, 2), pull(holder));
    wire.release();
  }

  @Test
  void streamedPushesAddUpAsWholeOnesAndAnswerOnlyWhenTheirValuesAreIn() {
    ServerStore store = new ServerStore();
    call(store, new CreateTable(0, WIDTH, UpdaterSpec.SUM));
    ByteBuf wire = wire();
    for (int i = 1; i <= 3; i++) {
      streamWhole(store, new StreamedPush(0, keys, values.length, 0, i), wire);
    }
    store.handle(new ReceivedPush(0, keys, FloatBuffer.wrap(values), 0, 4), new Answer());
    assertArrayEquals(times(values, 4), pull(store));
    wire.release();
  }

  @Test
  void aServerNotYetOpenGathersTheValuesAndAppliesThePushOnceItOpens() throws Exception {
    ServerStore store = new ServerStore(1, 2, 1, 0, snapshot -> {},
        new ServerStore.Replication(1, KeyRanges.even(2), (host, port) -> {
          throw new AssertionError("no replica to connect");
        }));
    Answer created = new Answer();
    store.handle(new CreateTable(0, WIDTH, UpdaterSpec.SUM), created); // queued too
    ByteBuf wire = wire();
    StreamedPush push = new StreamedPush(0, keys, values.length, 0, 1); // keys at or above 0: range 1, its own
    Answer answer = new Answer();
    store.handle(push, answer);
    feed(push.tail(), wire, 0, wire.readableBytes());
    push.tail().end();
    assertNull(answer.ok, "queued until the server opens");
    store.replicateTo(new String[] {null, null});
    assertNotNull(created.ok);
    assertNotNull(answer.ok);
    assertArrayEquals(values, pull(store));
    wire.release();
  }
}
