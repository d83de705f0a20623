package dev.psyarn.ps.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.InProcessChannel;
import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.wire.ControlMessages.ServerInfo;
import dev.psyarn.ps.wire.ControlMessages.ViewChange;
import dev.psyarn.ps.wire.DataMessages.Push;
import dev.psyarn.ps.worker.KVWorker;
import dev.psyarn.ps.worker.Partitioner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Server flex between in-process servers: the workers pause, the servers of the new layout take
 * their keys from the old ones, commit, and the workers go on by the new routing. Sums stay exact
 * through a grow and a shrink, with and without replicas, a pull held for a slow worker is sent
 * again, and a push that a dying worker got to one server only is completed by its replay.
 */
@org.junit.jupiter.api.Timeout(60)
class LayoutChangeTest {

  private static final String RING = "consistent-hash";
  private static final int VNODES = 16;
  private static final int KEYS = 500;
  private static final int WORKERS = 2;
  private final Map<String, ServerLayouts> servers = new HashMap<>();
  private final ServerLayouts.Peers peers = (host, port) -> new InProcessChannel(servers.get(host + ":" + port));
  private int replication;

  private ServerLayouts server(int index, int numServers, boolean joins) {
    ServerLayouts.Stores stores = n -> new ServerStore(index, n, WORKERS, 0, snapshot -> {},
        replication == 0 ? ServerStore.Replication.NONE
            : new ServerStore.Replication(replication, Partitioner.create(RING, n, VNODES), peers::connect));
    ServerStore first = stores.create(numServers);
    ServerLayouts layouts = new ServerLayouts(index, first, joins, stores, peers, RING, VNODES, replication > 0);
    servers.put("s:" + index, layouts);
    return layouts;
  }

  /** The first servers connect their replicas, as they do once every server has registered. */
  private void open(int n) throws java.io.IOException {
    if (replication > 0) {
      String[] where = new String[n];
      for (int i = 0; i < n; i++) {
        where[i] = "s:" + i;
      }
      for (int i = 0; i < n; i++) {
        servers.get("s:" + i).current().replicateTo(where);
      }
    }
  }

  private List<PeerChannel> channels(int n) {
    List<PeerChannel> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new InProcessChannel(servers.get("s:" + i)));
    }
    return out;
  }

  private static ServerInfo[] infos(int n) {
    ServerInfo[] out = new ServerInfo[n];
    for (int i = 0; i < n; i++) {
      out[i] = new ServerInfo(i, "s", i);
    }
    return out;
  }

  /** The change from {@code from} to {@code to} servers, driven as the AM's heartbeat answers would. */
  private void change(int layout, int from, int to, List<KVWorker> workers) throws Exception {
    workers.forEach(kv -> kv.pause(layout));
    for (KVWorker kv : workers) {
      awaitTrue(() -> kv.quiescentFor() == layout, "worker quiescent");
    }
    for (int i = 0; i < Math.max(from, to); i++) {
      servers.get("s:" + i).changed(new ViewChange(layout, ViewChange.Phase.PREPARE, to, infos(from), infos(to)));
    }
    for (int i = 0; i < Math.max(from, to); i++) {
      ServerLayouts s = servers.get("s:" + i);
      awaitTrue(() -> s.metrics().getOrDefault("view.prepared", -1.0) == layout, "server prepared");
    }
    for (int i = 0; i < Math.max(from, to); i++) {
      servers.get("s:" + i).changed(new ViewChange(layout, ViewChange.Phase.COMMIT, to, infos(from), infos(to)));
      assertEquals(layout, servers.get("s:" + i).metrics().get("view.committed"), "server " + i + " committed");
    }
    for (KVWorker kv : workers) {
      kv.resume(Partitioner.create(RING, to, VNODES), channels(to));
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out waiting: " + what);
      Thread.sleep(5);
    }
  }

  private static long[] keys() {
    long[] keys = new long[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = i * 7919L;
    }
    return keys;
  }

  private static void round(KVWorker kv, int worker, int round) {
    float[] inc = new float[KEYS];
    for (int i = 0; i < KEYS; i++) {
      inc[i] = 1 + (worker * 31 + round * 7 + i) % 5;
    }
    kv.waitFor(kv.push(0, keys(), inc));
  }

  private static float expected(int rounds, int key) {
    float sum = 0;
    for (int w = 0; w < WORKERS; w++) {
      for (int r = 0; r < rounds; r++) {
        sum += 1 + (w * 31 + r * 7 + key) % 5;
      }
    }
    return sum;
  }

  private static void assertExact(KVWorker kv, int rounds) {
    float[] out = new float[KEYS];
    kv.waitFor(kv.pull(0, keys(), out));
    for (int i = 0; i < KEYS; i++) {
      assertEquals(expected(rounds, i), out[i], "key " + i + " after " + rounds + " rounds");
    }
  }

  @ParameterizedTest(name = "replication {0}")
  @ValueSource(ints = {0, 1})
  void theSumsStayExactThroughAGrowAndAShrinkAndOnlyTheKeysWhoseOwnerChangesMove(int copies) throws Exception {
    replication = copies;
    server(0, 2, false);
    server(1, 2, false);
    open(2);
    List<KVWorker> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      KVWorker kv = KVWorker.identified(w, Partitioner.create(RING, 2, VNODES), channels(2));
      kv.createTable(0, 1);
      workers.add(kv);
    }
    for (int r = 0; r < 3; r++) {
      for (int w = 0; w < WORKERS; w++) {
        round(workers.get(w), w, r);
      }
    }
    server(2, 3, true);
    change(1, 2, 3, workers);
    assertExact(workers.get(0), 3);
    Partitioner three = Partitioner.create(RING, 3, VNODES);
    Partitioner two = Partitioner.create(RING, 2, VNODES);
    int moved = 0;
    for (long key : keys()) {
      moved += three.serverOf(key) != two.serverOf(key) ? 1 : 0;
    }
    long fetched = 0;
    for (int i = 0; i < 3; i++) {
      fetched += servers.get("s:" + i).metrics().get("flex.keysFetched").longValue();
      assertEquals(keysOwned(three, i), servers.get("s:" + i).current().keys(), "server " + i + " holds its own keys");
    }
    // Only keys whose owner changed travel (and, with a replica, those its new holders lacked).
    assertTrue(copies > 0 ? fetched >= moved : fetched == moved, "fetched " + fetched + ", owners changed " + moved);
    for (int r = 3; r < 5; r++) {
      for (int w = 0; w < WORKERS; w++) {
        round(workers.get(w), w, r);
      }
    }
    assertExact(workers.get(1), 5);

    change(2, 3, 2, workers);
    round(workers.get(0), 0, 5);
    round(workers.get(1), 1, 5);
    assertExact(workers.get(0), 6);
    assertEquals(keysOwned(two, 0) + keysOwned(two, 1),
        servers.get("s:0").current().keys() + servers.get("s:1").current().keys(), "every key on its owner");
  }

  private static long keysOwned(Partitioner p, int server) {
    long n = 0;
    for (long key : keys()) {
      n += p.serverOf(key) == server ? 1 : 0;
    }
    return n;
  }

  @ParameterizedTest(name = "replication {0}")
  @ValueSource(ints = {0, 1})
  void aPullHeldForASlowWorkerIsSentAgainToTheNewLayout(int copies) throws Exception {
    replication = copies;
    server(0, 2, false);
    server(1, 2, false);
    open(2);
    KVWorker fast = KVWorker.identified(0, Partitioner.create(RING, 2, VNODES), channels(2));
    KVWorker slow = KVWorker.identified(1, Partitioner.create(RING, 2, VNODES), channels(2));
    fast.createTable(0, 1);
    slow.createTable(0, 1);
    round(fast, 0, 0);
    fast.waitFor(fast.clock(0));
    float[] out = new float[KEYS];
    long held = fast.pull(0, keys(), out, 0); // waits for the slow worker's clock 0
    assertTrue(!fast.done(held), "the pull waits for the slow worker");
    server(2, 3, true);
    change(1, 2, 3, List.of(fast, slow));
    round(slow, 1, 0);
    slow.waitFor(slow.clock(0));
    fast.waitFor(held);
    for (int i = 0; i < KEYS; i++) {
      assertEquals(expected(1, i), out[i], "key " + i + ": the pull was answered by the new layout");
    }
  }

  @ParameterizedTest(name = "replication {0}")
  @ValueSource(ints = {0, 1})
  void aPushCutShortBeforeTheChangeIsCompletedByItsReplayAndNotDoubled(int copies) throws Exception {
    replication = copies;
    server(0, 2, false);
    server(1, 2, false);
    open(2);
    KVWorker kv = KVWorker.identified(0, Partitioner.create(RING, 2, VNODES), channels(2));
    kv.createTable(0, 1);
    long[] keys = keys();
    float[] ones = new float[KEYS];
    java.util.Arrays.fill(ones, 1);
    // A piece's worker dies mid-push: its push 1 reached server 0 only.
    Partitioner two = Partitioner.create(RING, 2, VNODES);
    long[] ofServer0 = java.util.Arrays.stream(keys).filter(k -> two.serverOf(k) == 0).toArray();
    float[] part = new float[ofServer0.length];
    java.util.Arrays.fill(part, 1);
    new InProcessChannel(servers.get("s:0")).call(new Push(0, ofServer0, part, KVWorker.PIECE_ORIGINS, 1)).join();
    server(2, 3, true);
    change(1, 2, 3, List.of(kv));
    assertEquals(0, kv.progress(KVWorker.PIECE_ORIGINS).lastSeq(), "some keys still lack push 1");
    // Whoever redoes the piece sends push 1 again: only the keys that lacked it take it.
    kv.waitFor(kv.pushAs(KVWorker.PIECE_ORIGINS, 1, 0, keys, ones));
    kv.waitFor(kv.pushAs(KVWorker.PIECE_ORIGINS, 2, 0, keys, ones));
    float[] out = new float[KEYS];
    kv.waitFor(kv.pull(0, keys, out));
    for (int i = 0; i < KEYS; i++) {
      assertEquals(2f, out[i], "key " + keys[i] + ": pushes 1 and 2 once each");
    }
    assertEquals(2, kv.progress(KVWorker.PIECE_ORIGINS).lastSeq());
    for (int i = 0; i < 3; i++) {
      assertEquals(0.0, servers.get("s:" + i).metrics().get("flex.splitOrigins"), "server " + i + " whole again");
    }
  }
}
