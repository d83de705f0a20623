package dev.psyarn.ps.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.transport.InProcessChannel;
import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.wire.DataMessages.Clock;
import dev.psyarn.ps.wire.DataMessages.CreateTable;
import dev.psyarn.ps.wire.DataMessages.Pull;
import dev.psyarn.ps.wire.DataMessages.PullAnswer;
import dev.psyarn.ps.wire.DataMessages.Push;
import dev.psyarn.ps.wire.DataMessages.Recovery;
import dev.psyarn.ps.wire.DataMessages.RecoveryReply;
import dev.psyarn.ps.worker.ConsistentHashRing;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/** Consistent snapshots at a clock, their file format, and restores, on a real (local) Hadoop file system. */
class ServerCheckpointTest {

  private static final long[] KEYS = {-5, 3, 8, 40};
  private final List<ServerSnapshot> taken = new ArrayList<>();

  private ServerStore store(int workers, int every, UpdaterSpec updater) {
    ServerStore store = new ServerStore(0, 1, workers, every, taken::add);
    call(store, new CreateTable(0, 1, updater));
    return store;
  }

  private static Object call(ServerStore store, Object request) {
    return new InProcessChannel(store).call(request).join();
  }

  private static void push(ServerStore store, int worker, long seq, float each) {
    float[] values = new float[KEYS.length];
    java.util.Arrays.fill(values, each);
    call(store, new Push(0, KEYS, values, worker, seq));
  }

  private static float[] pull(ServerStore store) {
    PullAnswer answer = (PullAnswer) call(store, new Pull(0, KEYS, Integer.MIN_VALUE));
    FloatBuffer out = FloatBuffer.allocate(answer.count());
    answer.values().accept(out);
    return out.array();
  }

  @Test
  void onRequestACutOpensOnlyAtTheClockAskedForAndAnAskAWorkerHasPassedIsAMiss() {
    ServerStore store = store(2, ServerStore.CUT_ON_REQUEST, UpdaterSpec.SUM);
    for (int c = 0; c < 4; c++) {
      push(store, 0, c + 1, 1);
      call(store, new Clock(0, c));
      push(store, 1, c + 1, 1);
      call(store, new Clock(1, c));
    }
    assertEquals(0, taken.size(), "no cut without an ask");
    assertEquals(3, store.cutRequests().mostRunningClock());
    store.cutRequests().request(3);
    assertEquals(1, store.cutRequests().missed(), "both workers are at 3 already");
    store.cutRequests().request(5);
    store.cutRequests().request(5); // asked again in the next heartbeats: a repeat
    push(store, 0, 5, 10);
    call(store, new Clock(0, 4));
    push(store, 0, 6, 10);
    call(store, new Clock(0, 5));
    push(store, 0, 7, 100); // worker 0's iteration 6: after the cut
    push(store, 1, 5, 10);
    call(store, new Clock(1, 4));
    push(store, 1, 6, 10);
    assertEquals(0, taken.size());
    call(store, new Clock(1, 5));
    assertEquals(1, taken.size(), "every worker reached the clock asked for");
    assertEquals(5, taken.get(0).clock());
    for (float v : taken.get(0).tables().get(0).image().slots()) {
      assertEquals(48f, v, "4 × 2 ones and 2 × 2 tens, not worker 0's iteration 6");
    }
    assertEquals(1, store.cutRequests().missed());
    call(store, new Clock(0, 9));
    call(store, new Clock(1, 9));
    assertEquals(1, taken.size(), "no next cut until the AM asks");
  }

  @Test
  void aSnapshotHoldsEveryWorkersPushesThroughTheCutAndNoneAfterWhileTrainingGoesOn() {
    ServerStore store = store(2, 2, UpdaterSpec.SUM); // cuts at clocks 1, 3, 5...
    // Worker 0 runs ahead: iterations 0 and 1, then 2 and 3 past the cut, before worker 1 reaches it.
    push(store, 0, 1, 1);
    call(store, new Clock(0, 0));
    push(store, 0, 2, 10);
    call(store, new Clock(0, 1));
    push(store, 0, 3, 100); // beyond the cut at 1
    push(store, 1, 1, 1000); // worker 1's iteration 0: before the cut, onto slots worker 0 changed after it
    call(store, new Clock(1, 0));
    push(store, 1, 2, 10_000);
    assertEquals(0, taken.size(), "worker 1 has not reached the cut");
    call(store, new Clock(1, 1));
    assertEquals(1, taken.size());

    ServerSnapshot s = taken.get(0);
    assertEquals(1, s.clock());
    assertArrayEquals(new int[] {1, 1}, s.workerClocks());
    float[] atCut = s.tables().get(0).image().slots();
    for (float v : atCut) {
      assertEquals(11_011f, v, "iterations 0 and 1 of both workers, not worker 0's third push");
    }
    assertEquals(2L, s.tables().get(0).ledger().get(0), "worker 0's pushes through the cut");
    assertEquals(2L, s.tables().get(0).ledger().get(1));
    for (float v : pull(store)) {
      assertEquals(11_111f, v, "training went on past the cut");
    }
  }

  @Test
  void whenEveryWorkerIsDoneTheLastSnapshotHoldsEverythingAtTheLastClockReached() {
    ServerStore store = store(2, 10, UpdaterSpec.SUM); // a cut at 9, never reached
    for (int round = 0; round < 3; round++) {
      for (int w = 0; w < 2; w++) {
        push(store, w, round + 1, 1);
        call(store, new Clock(w, round));
      }
    }
    call(store, new Clock(0, Integer.MAX_VALUE));
    assertEquals(0, taken.size(), "worker 1 is not done");
    call(store, new Clock(1, Integer.MAX_VALUE));
    assertEquals(1, taken.size());
    assertEquals(2, taken.get(0).clock(), "the last clock any worker reached");
    for (float v : taken.get(0).tables().get(0).image().slots()) {
      assertEquals(6f, v);
    }
  }

  @Test
  void anFtrlSnapshotEqualsATableThatGotOnlyThePushesBeforeTheCutInTheirOrder() {
    UpdaterSpec ftrl = new UpdaterSpec("ftrl", 0.1f, 0.01f, 0.1f, 1f);
    ServerStore live = store(2, 1, ftrl); // a cut at every clock: the first at 0
    ServerStore reference = new ServerStore(2);
    call(reference, new CreateTable(0, 1, ftrl));
    push(live, 0, 1, 0.5f);
    push(reference, 0, 1, 0.5f);
    call(live, new Clock(0, 0));
    push(live, 0, 2, -2f); // after the cut
    push(live, 1, 1, 0.25f);
    push(reference, 1, 1, 0.25f);
    call(live, new Clock(1, 0));
    assertEquals(1, taken.size());
    ServerStore restored = new ServerStore(2);
    restored.restore(taken.get(0), key -> true, false);
    assertArrayEquals(pull(reference), pull(restored), 0f);
  }

  @Test
  void aCheckpointFileReadsBackAndARestoredServerDropsWhatItHadAndReportsWhatItLost(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws IOException {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Checkpoints checkpoints = new Checkpoints(fs, new Path(dir.toString()), 2);
    ServerStore store = store(2, 2, UpdaterSpec.SUM);
    for (int round = 0; round < 2; round++) {
      for (int w = 0; w < 2; w++) {
        push(store, w, round + 1, 1);
        call(store, new Clock(w, round));
      }
    }
    push(store, 0, 3, 1); // lost with the server
    push(store, 1, 3, 1);
    checkpoints.write(taken.get(0));

    List<String> refused = new ArrayList<>();
    Checkpoints.Loaded loaded = checkpoints.latest(0, 1, refused).orElseThrow();
    assertTrue(refused.isEmpty(), refused.toString());
    ServerStore replacement = new ServerStore(0, 1, 2, 2, taken::add);
    replacement.restore(loaded.snapshot(), key -> true, true);
    for (float v : pull(replacement)) {
      assertEquals(4f, v);
    }
    push(replacement, 0, 2, 1); // a replay of what the checkpoint has: dropped
    assertEquals(1, replacement.pushesDropped());
    push(replacement, 0, 4, 1); // worker 0's next push: its push 3 was lost
    call(replacement, new Clock(0, 2));
    RecoveryReply r = (RecoveryReply) call(replacement, new Recovery());
    assertArrayEquals(new int[] {1}, r.restoredClocks());
    assertArrayEquals(new long[] {2, 2}, r.restoredSeqs());
    assertArrayEquals(new long[] {4, -1}, r.resumedSeqs());
    assertArrayEquals(new int[] {2, -1}, r.resumedClocks());
    assertEquals(1, replacement.rollbacks().get(0).clocksLost());
    assertEquals(1, replacement.rollbacks().get(0).pushesLost());
  }

  @Test
  void aDamagedOrTruncatedCheckpointIsRefusedWithItsReasonAndThePreviousOneIsUsed(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Checkpoints checkpoints = new Checkpoints(fs, new Path(dir.toString()), 3);
    ServerStore store = store(1, 1, UpdaterSpec.SUM);
    for (int round = 0; round < 3; round++) {
      push(store, 0, round + 1, 1);
      call(store, new Clock(0, round));
      checkpoints.write(taken.get(round));
    }
    java.nio.file.Path newest = dir.resolve("ckpt-0000000002").resolve("server-00000-of-00001.ckpt");
    byte[] bytes = Files.readAllBytes(newest);
    bytes[40] ^= 0x5A;
    Files.write(newest, bytes);
    Files.deleteIfExists(dir.resolve("ckpt-0000000002").resolve(".server-00000-of-00001.ckpt.crc"));

    List<String> refused = new ArrayList<>();
    Checkpoints.Loaded loaded = checkpoints.latest(0, 1, refused).orElseThrow();
    assertEquals(1, loaded.snapshot().clock(), "the one before the damaged one");
    assertEquals(1, refused.size());
    assertTrue(refused.get(0).contains("damaged") && refused.get(0).contains("ckpt-0000000002"), refused.get(0));

    java.nio.file.Path middle = dir.resolve("ckpt-0000000001").resolve("server-00000-of-00001.ckpt");
    byte[] whole = Files.readAllBytes(middle);
    Files.write(middle, java.util.Arrays.copyOf(whole, whole.length - 30));
    Files.deleteIfExists(dir.resolve("ckpt-0000000001").resolve(".server-00000-of-00001.ckpt.crc"));
    refused.clear();
    assertEquals(0, checkpoints.latest(0, 1, refused).orElseThrow().snapshot().clock());
    assertTrue(refused.get(1).contains("truncated"), refused.toString());

    Path notOne = new Path(dir.toString(), "ckpt-0000000009/server-00000-of-00001.ckpt");
    try (FSDataOutputStream out = fs.create(notOne)) {
      out.writeBytes("this is not a checkpoint at all, just some text of some length");
    }
    IOException e = assertThrows(IOException.class, () -> Checkpoints.read(fs, notOne));
    assertTrue(e.getMessage().contains("not a psyarn checkpoint"), e.getMessage());
  }

  @Test
  void oldCheckpointsArePrunedToTheNumberKept(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Checkpoints checkpoints = new Checkpoints(fs, new Path(dir.toString()), 2);
    ServerStore store = store(1, 1, UpdaterSpec.SUM);
    for (int round = 0; round < 5; round++) {
      push(store, 0, round + 1, 1);
      call(store, new Clock(0, round));
      checkpoints.write(taken.get(round));
    }
    assertEquals(List.of(4, 3), checkpoints.complete(1));
    assertEquals(2, Checkpoints.dirs(fs, new Path(dir.toString())).size());
  }

  @Test
  void aWarmStartTakesTheKeysEachServerOwnsFromACheckpointOfAnotherServerCount(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Checkpoints checkpoints = new Checkpoints(fs, new Path(dir.toString()), 1);
    ServerStore one = store(1, 1, UpdaterSpec.SUM);
    float[] values = {1, 2, 3, 4};
    call(one, new Push(0, KEYS, values, 0, 1));
    call(one, new Clock(0, 0));
    checkpoints.write(taken.get(0));

    List<ServerSnapshot> whole = Checkpoints.readWhole(fs, new Path(dir.toString()));
    ConsistentHashRing ring = new ConsistentHashRing(3, 16);
    float[] seen = new float[KEYS.length];
    long total = 0;
    for (int s = 0; s < 3; s++) {
      int server = s;
      ServerStore part = new ServerStore(1);
      for (ServerSnapshot snapshot : whole) {
        part.restore(snapshot, key -> ring.serverOf(key) == server, false);
      }
      total += part.keys();
      float[] got = pull(part);
      for (int i = 0; i < KEYS.length; i++) {
        if (ring.serverOf(KEYS[i]) == server) {
          seen[i] = got[i];
        }
      }
    }
    assertEquals(KEYS.length, total, "each key on exactly one server");
    assertArrayEquals(values, seen);
    IOException none = assertThrows(IOException.class, () -> Checkpoints.readWhole(fs, new Path(dir.toString(), "nothing")));
    assertTrue(none.getMessage().contains("no complete checkpoint"), none.getMessage());
  }
}
