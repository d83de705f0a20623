package dev.psyarn.ps.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.InProcessChannel;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class KVWorkerTest {

  private final ServerStore[] stores = {new ServerStore(), new ServerStore(), new ServerStore()};
  private final List<InProcessChannel> channels = List.of(
      new InProcessChannel(stores[0]), new InProcessChannel(stores[1]), new InProcessChannel(stores[2]));
  private final KVWorker worker = new KVWorker(KeyRanges.even(3), channels);

  @Test
  void aReplacementReplayingItsPredecessorsPushesAddsOnlyWhatWasNotApplied() {
    List<InProcessChannel> predecessorLinks = List.of(
        new InProcessChannel(stores[0]), new InProcessChannel(stores[1]), new InProcessChannel(stores[2]));
    KVWorker predecessor = KVWorker.identified(4, KeyRanges.even(3), predecessorLinks);
    predecessor.createTable(0, 1);
    long[] keys = {Long.MIN_VALUE, -10, 0, 42, Long.MAX_VALUE};
    float[] round = new float[keys.length];
    for (int r = 1; r <= 3; r++) { // three rounds applied, then the worker dies
      java.util.Arrays.fill(round, r);
      predecessor.waitFor(predecessor.push(0, keys, round));
    }
    // Its replacement runs all five rounds again, in the same order, under the same index.
    KVWorker replacement = KVWorker.identified(4, KeyRanges.even(3), channels);
    replacement.createTable(0, 1);
    assertEquals(3, replacement.progress().lastSeq(), "every server applied the predecessor's three pushes");
    assertEquals(-1, replacement.progress().clock(), "no clock was ticked");
    for (int r = 1; r <= 5; r++) {
      java.util.Arrays.fill(round, r);
      replacement.waitFor(replacement.push(0, keys, round));
    }
    float[] totals = new float[keys.length];
    replacement.waitFor(replacement.pull(0, keys, totals));
    for (float total : totals) {
      assertEquals(1 + 2 + 3 + 4 + 5, total, "each round counted once");
    }
    long dropped = stores[0].pushesDropped() + stores[1].pushesDropped() + stores[2].pushesDropped();
    assertEquals(3 * 3, dropped, "three replayed rounds dropped by each of the three servers");
    // Another worker's pushes, and anonymous ones, are never taken for replays.
    KVWorker other = KVWorker.identified(5, KeyRanges.even(3), channels);
    other.createTable(0, 1);
    worker.createTable(0, 1);
    other.waitFor(other.push(0, keys, round));
    worker.waitFor(worker.push(0, keys, round));
    worker.waitFor(worker.push(0, keys, round));
    replacement.waitFor(replacement.pull(0, keys, totals));
    assertEquals(15 + 3 * 5, totals[0]);
  }

  @Test
  void pushThenPullReturnsTheSumsFromTheServersThatOwnTheKeys() {
    worker.createTable(1, 2);
    long[] keys = {Long.MIN_VALUE, -10, 0, 42, Long.MAX_VALUE};
    float[] ones = new float[keys.length * 2];
    java.util.Arrays.fill(ones, 1f);
    worker.waitFor(worker.push(1, keys, ones));
    worker.waitFor(worker.push(1, keys, ones));
    float[] out = new float[keys.length * 2];
    worker.waitFor(worker.pull(1, keys, out));
    float[] twos = new float[keys.length * 2];
    java.util.Arrays.fill(twos, 2f);
    assertArrayEquals(twos, out);
    long stored = stores[0].keys() + stores[1].keys() + stores[2].keys();
    assertEquals(keys.length, stored);
    KeyRanges ranges = KeyRanges.even(3);
    for (int s = 0; s < 3; s++) {
      long owned = 0;
      for (long k : keys) {
        owned += ranges.rangeOf(k) == s ? 1 : 0;
      }
      assertEquals(owned, stores[s].keys(), "server " + s);
    }
  }

  @Test
  void consistentHashingRoutesEachKeyToItsOwnerAndBack() {
    ConsistentHashRing ring = new ConsistentHashRing(3, 16);
    KVWorker hashed = new KVWorker(ring, channels);
    hashed.createTable(2, 3);
    long[] keys = new long[1000];
    float[] values = new float[3000];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i * 7L;
      values[i * 3] = i;
      values[i * 3 + 2] = -i;
    }
    hashed.waitFor(hashed.push(2, keys, values));
    float[] out = new float[3000];
    hashed.waitFor(hashed.pull(2, keys, out));
    assertArrayEquals(values, out);
    long[] perServer = new long[3];
    for (long k : keys) {
      perServer[ring.serverOf(k)]++;
    }
    for (int s = 0; s < 3; s++) {
      assertEquals(perServer[s], stores[s].keys(), "server " + s + " holds exactly the keys it owns");
    }
  }

  @Test
  void anArrayRefilledWithOtherKeysIsRoutedAnew() {
    // A push of the array just pulled reuses its routing; the same array with new keys must not.
    worker.createTable(3, 1);
    long[] keys = {-5, 0, 5};
    worker.waitFor(worker.pull(3, keys, new float[3]));
    worker.waitFor(worker.push(3, keys, new float[] {1, 1, 1}));
    keys[0] = Long.MIN_VALUE; // server 0's, where -5 is server 1's
    keys[2] = Long.MAX_VALUE;
    worker.waitFor(worker.push(3, keys, new float[] {2, 2, 2}));
    float[] out = new float[3];
    worker.waitFor(worker.pull(3, keys, out));
    assertArrayEquals(new float[] {2, 3, 2}, out);
    // -5, 0 and 5 are the middle server's; the new keys went to the first and the last.
    assertEquals(1, stores[0].keys());
    assertEquals(3, stores[1].keys());
    assertEquals(1, stores[2].keys());
  }

  @Test
  void requestsOnlyGoToServersThatOwnSomeOfTheKeys() {
    worker.createTable(0, 1);
    int before = channels.get(2).calls();
    worker.waitFor(worker.push(0, new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1}, new float[] {1, 1}));
    assertEquals(before, channels.get(2).calls());
    assertEquals(2, worker.keysSentPerServer()[0]);
  }

  @Test
  void unsortedKeysAndWrongShapesAreRefused() {
    worker.createTable(0, 1);
    assertThrows(IllegalArgumentException.class, () -> worker.push(0, new long[] {2, 1}, new float[] {1, 1}));
    assertThrows(IllegalArgumentException.class, () -> worker.push(0, new long[] {1, 2}, new float[] {1}));
    assertThrows(IllegalStateException.class, () -> worker.push(5, new long[] {1}, new float[] {1}));
  }

  @Test
  void serverErrorsSurfaceInWaitFor() {
    worker.createTable(0, 1);
    KVWorker other = new KVWorker(KeyRanges.even(3), List.of(new InProcessChannel(new ServerStore()),
        new InProcessChannel(new ServerStore()), new InProcessChannel(new ServerStore())));
    other.createTable(0, 1);
    long ts = other.pull(0, new long[] {1}, new float[1]);
    other.waitFor(ts);
    CompletionException e = assertThrows(CompletionException.class, () -> {
      KVWorker wide = new KVWorker(KeyRanges.even(3), channels);
      wide.createTable(0, 4);
    });
    assertTrue(e.getMessage().contains("exists with width 1"), e.getMessage());
  }
}
