package dev.psyarn.ps.store;

import static dev.psyarn.ps.store.StreamedPushTest.call;
import static dev.psyarn.ps.store.StreamedPushTest.feed;
import static dev.psyarn.ps.store.StreamedPushTest.pull;
import static dev.psyarn.ps.store.StreamedPushTest.recording;
import static dev.psyarn.ps.store.StreamedPushTest.wire;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.store.StreamedPushTest.Answer;
import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.wire.DataMessages.CreateTable;
import dev.psyarn.ps.wire.DataMessages.Fetch;
import dev.psyarn.ps.wire.DataMessages.Handover;
import dev.psyarn.ps.wire.DataMessages.HandoverReply;
import dev.psyarn.ps.wire.DataMessages.Progress;
import dev.psyarn.ps.wire.DataMessages.ProgressReply;
import dev.psyarn.ps.wire.DataMessages.ReceivedPush;
import dev.psyarn.ps.wire.DataMessages.Replicate;
import dev.psyarn.ps.wire.DataMessages.StreamedPush;
import dev.psyarn.ps.worker.KeyRanges;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A push cut off mid-way on a range's only holder (its worker died with the push half sent)
 * outlives what moves the range before the worker's replay comes: a handover to a replacement
 * replica, a change of the servers' layout, a checkpoint. Each carries where the push stopped, so
 * the keys it had not reached get it exactly once.
 */
class TornPushTest {

  private static final int WIDTH = 16;
  /** Rows the cut-off push brought: 77,777 bytes of its values. */
  private static final int ROWS_IN = 77_777 / (WIDTH * Float.BYTES);

  private static long[] keys(long low) {
    return new Random(1).longs(3000, low, Long.MAX_VALUE).distinct().sorted().toArray();
  }

  private static float[] values(int keys) {
    Random random = new Random(2);
    float[] values = new float[keys * WIDTH];
    for (int i = 0; i < values.length; i++) {
      values[i] = 1 + random.nextInt(100);
    }
    return values;
  }

  /** Streams push 1 of worker 0 into {@code store} and cuts it off after {@link #ROWS_IN} rows. */
  private static void cutOff(ServerStore store, long[] keys, float[] values) {
    ByteBuf wire = wire(values);
    StreamedPush push = new StreamedPush(0, keys, values.length, 0, 1);
    Answer answer = new Answer();
    store.handle(push, answer);
    feed(push.tail(), wire, 0, 77_777);
    push.tail().abandon(); // the worker's JVM died mid-push
    assertNull(answer.ok, "not acknowledged");
    assertEquals(1, store.pushesCutOff());
    wire.release();
  }

  private static Object await(Answer answer) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (answer.ok == null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertNotNull(answer.ok, "answered");
    return answer.ok;
  }

  @Test
  void aRangeHandedOverBetweenACutOffPushAndItsReplayGetsTheRestOnTheReplacementOnce() throws Exception {
    long[] keys = keys(0); // at or above 0: range 1 of two
    float[] values = values(keys.length);
    for (boolean forwardStreamed : new boolean[] {false, true}) {
      List<Object> forwarded = new CopyOnWriteArrayList<>();
      ServerStore holder = new ServerStore(1, 2, 1, 0, snapshot -> {},
          new ServerStore.Replication(1, KeyRanges.even(2), (host, port) -> recording(forwarded)));
      holder.replicateTo(new String[] {null, null}); // range 1's replica is gone: its pushes stream
      call(holder, new CreateTable(0, WIDTH, UpdaterSpec.SUM));
      cutOff(holder, keys, values);

      // A replacement for the lost replica takes range 1 over before the worker's replay arrives.
      Answer handedOver = new Answer();
      holder.handle(new Handover(1, 0, "replacement", 9), handedOver);
      ServerSnapshot copy = Checkpoints.decode(((HandoverReply) await(handedOver)).snapshot());
      assertEquals(List.of(new ServerSnapshot.Torn(0, 1, keys[ROWS_IN])), copy.tables().get(0).torn());
      ServerStore replacement = new ServerStore(0, 2, 1, 0, snapshot -> {},
          new ServerStore.Replication(1, KeyRanges.even(2), (host, port) -> recording(new CopyOnWriteArrayList<>())));
      replacement.takeOver(1, copy, "holder:1", new String[0]);
      replacement.opened();

      // The worker's replay reaches the holder: it adds the rest and forwards the rest.
      Answer replayed = new Answer();
      holder.handle(new ReceivedPush(0, keys, FloatBuffer.wrap(values), 0, 1), replayed);
      assertNotNull(replayed.ok);
      assertEquals(1, forwarded.size(), forwarded.toString());
      Replicate rest = (Replicate) forwarded.get(0);
      assertEquals(keys.length - ROWS_IN, rest.keys().length);
      for (int twice = 0; twice < 2; twice++) { // a forward that comes again is dropped
        if (forwardStreamed) {
          float[] restValues = new float[rest.values().remaining()];
          rest.values().duplicate().get(restValues);
          StreamedPush streamed = new StreamedPush(1, 0, rest.keys(), restValues.length, 0, 1);
          Answer answer = new Answer();
          replacement.handle(streamed, answer);
          ByteBuf wire = wire(restValues);
          feed(streamed.tail(), wire, 0, wire.readableBytes());
          streamed.tail().end();
          wire.release();
          assertNotNull(answer.ok);
        } else {
          call(replacement, rest);
        }
      }
      assertArrayEquals(values, pull(holder, keys), "the holder");
      assertArrayEquals(values, pull(replacement, keys), "the replacement, forward " + (forwardStreamed ? "streamed" : "whole"));
      assertEquals(1, replacement.pushesDropped());
    }
  }

  @Test
  void serversFlexedBetweenACutOffPushAndItsReplayAddTheKeysItHadNotReachedOnce() throws Exception {
    long[] keys = keys(Long.MIN_VALUE); // both halves: both ranges of two servers
    float[] values = values(keys.length);
    assertTrue(keys[ROWS_IN] < 0, "the push stops inside the first new range");
    ServerStore old = new ServerStore();
    call(old, new CreateTable(0, WIDTH, UpdaterSpec.SUM));
    cutOff(old, keys, values);

    KeyRanges before = KeyRanges.even(1);
    KeyRanges after = KeyRanges.even(2);
    int split = PushLedger.firstFrom(keys, 0); // where the second range begins
    for (int range = 0; range < 2; range++) {
      ServerSnapshot part = Checkpoints.decode(Checkpoints.encode(old.fetch(new Fetch(0, range, "range", 2, 0))));
      ServerStore fresh = new ServerStore(range, 2, 1, 0, snapshot -> {});
      fresh.absorb(range, Map.of(0, part), before);
      assertEquals(0, ((ProgressReply) call(fresh, new Progress(0, range))).lastSeq(),
          "push 1 is not in every key of range " + range);
      int from = range == 0 ? 0 : split;
      int to = range == 0 ? split : keys.length;
      long[] mine = Arrays.copyOfRange(keys, from, to);
      float[] myValues = Arrays.copyOfRange(values, from * WIDTH, to * WIDTH);
      assertEquals(range, after.serverOf(mine[0]));
      for (int twice = 0; twice < 2; twice++) { // the worker's replay, in the new layout; then once more
        call(fresh, new ReceivedPush(0, mine, FloatBuffer.wrap(myValues), 0, 1));
      }
      assertArrayEquals(myValues, pull(fresh, mine), "range " + range);
      assertEquals(1, fresh.pushesDropped());
      assertEquals(1, ((ProgressReply) call(fresh, new Progress(0, range))).lastSeq());
      assertEquals(0, fresh.splitOrigins());
    }
  }

  @Test
  void aReplacementWorkerResumesAtTheCutOffPushAndItsRedoneKeysAreAddedOnce() {
    long[] keys = keys(0);
    float[] values = values(keys.length);
    ServerStore store = new ServerStore();
    call(store, new CreateTable(0, WIDTH, UpdaterSpec.SUM));
    cutOff(store, keys, values);
    assertEquals(0, ((ProgressReply) call(store, new Progress(0, 0))).lastSeq(), "push 1 is to be redone");
    float[] redone = StreamedPushTest.times(values, 3); // the replacement's push 1, from a model pulled later
    call(store, new ReceivedPush(0, keys, FloatBuffer.wrap(redone), 0, 1));
    float[] expected = values.clone();
    System.arraycopy(redone, ROWS_IN * WIDTH, expected, ROWS_IN * WIDTH, expected.length - ROWS_IN * WIDTH);
    assertArrayEquals(expected, pull(store, keys));
    assertEquals(1, ((ProgressReply) call(store, new Progress(0, 0))).lastSeq());
  }

  @Test
  void aCheckpointOfVersionOneIsStillReadAndOneOfALaterVersionIsRefusedSayingWhy() throws IOException {
    ServerSnapshot v1 = Checkpoints.decode(version1(1));
    assertEquals(Map.of(0, 5L), v1.tables().get(0).ledger());
    assertEquals(List.of(), v1.tables().get(0).torn());
    assertArrayEquals(new long[] {7, 9}, v1.tables().get(0).image().keys());
    assertArrayEquals(new float[] {1.5f, 2.5f}, v1.tables().get(0).image().slots());
    IOException refused = assertThrows(IOException.class, () -> Checkpoints.decode(version1(3)));
    assertTrue(refused.getMessage().contains("version 3; this psyarn reads versions 1 to 2"), refused.getMessage());
    // Version 2 carries the pushes cut off, and reads back what it wrote.
    ServerSnapshot.Table table = new ServerSnapshot.Table(0, UpdaterSpec.SUM, v1.tables().get(0).image(),
        Map.of(0, 5L, 1, 8L), List.of(new ServerSnapshot.Torn(1, 8, 9)));
    ServerSnapshot again = Checkpoints.decode(Checkpoints.encode(new ServerSnapshot(0, 1, 3, new int[] {3}, List.of(),
        List.of(table))));
    assertEquals(table.torn(), again.tables().get(0).torn());
    assertEquals(table.ledger(), again.tables().get(0).ledger());
  }

  /** A checkpoint's payload as psyarn 0.1 wrote it (version 1: no pushes cut off), marked {@code version}. */
  private static byte[] version1(int version) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(Checkpoints.MAGIC);
      out.writeInt(version);
      out.writeInt(0); // server
      out.writeInt(1); // of
      out.writeInt(3); // clock
      out.writeInt(1);
      out.writeInt(3); // worker 0's clock
      out.writeInt(0); // rollbacks
      out.writeInt(1); // tables
      out.writeInt(0);
      out.writeUTF("sum");
      for (int f = 0; f < 4; f++) {
        out.writeFloat(0);
      }
      out.writeInt(1);
      out.writeInt(0);
      out.writeLong(5); // ledger: worker 0 at push 5
      out.writeInt(1); // width
      out.writeInt(1); // slot width
      out.writeLong(2);
      out.writeLong(7);
      out.writeFloat(1.5f);
      out.writeLong(9);
      out.writeFloat(2.5f);
    }
    return bytes.toByteArray();
  }
}
