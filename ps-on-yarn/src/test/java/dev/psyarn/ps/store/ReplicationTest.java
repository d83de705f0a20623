package dev.psyarn.ps.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.transport.InProcessChannel;
import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.wire.DataMessages.CreateTable;
import dev.psyarn.ps.wire.DataMessages.Handover;
import dev.psyarn.ps.wire.DataMessages.HandoverReply;
import dev.psyarn.ps.wire.DataMessages.ListKeys;
import dev.psyarn.ps.wire.DataMessages.KeyList;
import dev.psyarn.ps.wire.DataMessages.Pull;
import dev.psyarn.ps.wire.DataMessages.PullAnswer;
import dev.psyarn.ps.wire.DataMessages.Push;
import dev.psyarn.ps.worker.KeyRanges;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Chain replication between in-process servers: forwarding, failover to the successor, handover to a replacement. */
class ReplicationTest {

  private static final KeyRanges RANGES = KeyRanges.even(3);
  /** Servers by "host:port"; a dead one's channel fails every call, as a lost connection does. */
  private final Map<String, ServerStore> servers = new HashMap<>();
  private final Map<String, Boolean> dead = new HashMap<>();

  private final ServerStore.Peers peers = (host, port) -> {
    String at = host + ":" + port;
    if (Boolean.TRUE.equals(dead.get(at))) {
      throw new IOException("connection refused: " + at);
    }
    InProcessChannel channel = new InProcessChannel(servers.get(at));
    return new PeerChannel() {
      @Override
      public CompletableFuture<Object> call(Object request) {
        if (Boolean.TRUE.equals(dead.get(at))) {
          return CompletableFuture.failedFuture(new IOException("connection reset by " + at));
        }
        return channel.call(request);
      }

      @Override
      public void close() {}
    };
  };

  private ServerStore server(int index) {
    ServerStore s = new ServerStore(index, 3, 1, 0, snapshot -> {}, new ServerStore.Replication(1, RANGES, peers));
    servers.put("s:" + index, s);
    return s;
  }

  private static Object call(ServerStore s, Object request) {
    return new InProcessChannel(s).call(request).join();
  }

  /** Keys of range {@code r} (the even split of the key space). */
  private static long[] keysOf(int r) {
    return new long[] {RANGES.start(r) + 1, RANGES.start(r) + 2};
  }

  private static float[] pull(ServerStore s, long[] keys) {
    PullAnswer answer = (PullAnswer) call(s, new Pull(0, keys, Integer.MIN_VALUE));
    FloatBuffer out = FloatBuffer.allocate(answer.count());
    answer.values().accept(out);
    return out.array();
  }

  @Test
  void pushesReachTheNextServerTheSuccessorServesALostRangeAndAReplacementTakesItOver() throws IOException {
    ServerStore[] s = {server(0), server(1), server(2)};
    assertEquals(List.of(0, 1), s[1].ranges(), "its own range and the one before");
    String[] where = {"s:0", "s:1", "s:2"};
    for (ServerStore server : s) {
      server.replicateTo(where);
      call(server, new CreateTable(0, 1, UpdaterSpec.SUM));
    }
    long[] range1 = keysOf(1);
    call(s[1], new Push(0, range1, new float[] {1, 2}, 0, 1));
    assertArrayEquals(new float[] {1, 2}, pull(s[2], range1), "server 2 holds range 1's replica");
    assertEquals(2, s[2].replicaKeys());

    dead.put("s:1", true); // server 1 is lost: its successor serves range 1, applying each push once
    call(s[2], new Push(0, range1, new float[] {1, 2}, 0, 1)); // a retry of what server 1 had applied
    call(s[2], new Push(0, range1, new float[] {10, 20}, 0, 2));
    assertArrayEquals(new float[] {11, 22}, pull(s[2], range1));
    assertEquals(1, s[2].pushesDropped());
    call(s[0], new Push(0, keysOf(0), new float[] {5, 5}, 0, 3)); // server 0 forwards to its lost replica
    assertEquals(1, s[0].replicasLost());

    ServerStore replacement = new ServerStore(1, 3, 1, 0, snapshot -> {}, new ServerStore.Replication(1, RANGES, peers));
    servers.put("s:9", replacement);
    for (int range : replacement.ranges()) {
      ServerStore holder = range == 1 ? s[2] : s[0];
      HandoverReply reply = (HandoverReply) call(holder, new Handover(range, 1, "s", 9));
      replacement.takeOver(range, Checkpoints.decode(reply.snapshot()), range == 1 ? "s:2" : "s:0", reply.replicas());
    }
    replacement.opened();
    assertArrayEquals(new float[] {11, 22}, pull(replacement, range1), "caught up from the holder");
    assertArrayEquals(new float[] {5, 5}, pull(replacement, keysOf(0)), "and from range 0's server");

    call(s[2], new Push(0, range1, new float[] {100, 200}, 0, 3)); // the holder forwards to the replacement now
    assertArrayEquals(new float[] {111, 222}, pull(replacement, range1));
    call(replacement, new Push(0, range1, new float[] {1000, 2000}, 0, 4)); // and the replacement to the holder
    assertArrayEquals(new float[] {1111, 2222}, pull(s[2], range1));
    assertArrayEquals(range1, ((KeyList) call(s[2], new ListKeys(0, 1))).keys(), "range 1's keys, asked by range");
    assertTrue(((KeyList) call(s[2], new ListKeys(0, 2))).keys().length == 0, "server 2's own range is empty");
  }

  @Test
  void aModelsValuesGoIntoEachRangeItsServerHoldsWhenTheTableIsCreated() throws IOException {
    ServerStore s1 = server(1);
    long[] keys = {keysOf(0)[0], keysOf(1)[0], keysOf(2)[0]};
    s1.initialValues(0, keys, new float[] {0.5f, -1.5f, 2f}, RANGES);
    servers.put("s:0", server(0));
    servers.put("s:2", server(2));
    s1.replicateTo(new String[] {"s:0", "s:1", "s:2"});
    UpdaterSpec ftrl = new UpdaterSpec("ftrl", 0.1f, 0.01f, 0.1f, 1f);
    call(s1, new CreateTable(0, 1, ftrl));
    assertArrayEquals(new float[] {0.5f}, pull(s1, new long[] {keys[0]}), 1e-6f, "range 0, held as a replica");
    assertArrayEquals(new float[] {-1.5f}, pull(s1, new long[] {keys[1]}), 1e-6f, "its own range");
    assertEquals(2, s1.keys() + s1.replicaKeys(), "range 2's key is not server 1's");
  }
}
