package dev.psyarn.ps.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.store.Checkpoints;
import dev.psyarn.ps.store.ServerSnapshot;
import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.InProcessChannel;
import dev.psyarn.ps.update.Updater;
import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.worker.KVWorker;
import dev.psyarn.ps.worker.KeyRanges;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** An app's own update rules on real in-process servers: a server handle, and a per-key updater. */
class ServerHandleTest {

  /** Keeps each key's largest pushed value (not a sum): state of its own, answered from it. */
  public static final class MaxHandle implements ServerHandle {
    final Map<Long, Float> max = new HashMap<>();
    private final float floor;

    public MaxHandle(UpdaterSpec spec) {
      floor = spec.intOption("floor", 0);
    }

    @Override
    public void push(long[] keys, FloatBuffer values, int width) {
      for (int i = 0; i < keys.length; i++) {
        max.merge(keys[i], values.get(i * width), Math::max);
      }
    }

    @Override
    public void pull(long[] keys, FloatBuffer out, int width) {
      for (long key : keys) {
        out.put(max.getOrDefault(key, floor));
      }
    }
  }

  /** A per-key rule: adds {@code factor} times what is pushed. */
  public static final class Scaled implements Updater {
    private final float factor;

    public Scaled(UpdaterSpec spec) {
      factor = spec.intOption("factor", 1);
    }

    @Override
    public int slotWidth(int width) {
      return width;
    }

    @Override
    public void push(float[] slots, int at, float[] pushed, int from, int width) {
      for (int j = 0; j < width; j++) {
        slots[at + j] += factor * pushed[from + j];
      }
    }

    @Override
    public void pull(float[] slots, int at, float[] out, int to, int width) {
      System.arraycopy(slots, at, out, to, width);
    }
  }

  private static final long[] KEYS = {Long.MIN_VALUE + 5, -7, 3, Long.MAX_VALUE - 9};

  @Test
  void aHandleGetsEveryPushOnceAndAnswersThePullsFromItsOwnState() {
    ServerStore[] stores = {new ServerStore(1), new ServerStore(1)};
    KVWorker kv = KVWorker.identified(0, KeyRanges.even(2),
        List.of(new InProcessChannel(stores[0]), new InProcessChannel(stores[1])));
    kv.createTable(0, 1, UpdaterSpec.custom(MaxHandle.class, Map.of("floor", -1)));
    kv.waitFor(kv.pushAs(0, 1, 0, KEYS, new float[] {4, 8, 1, 2}));
    kv.waitFor(kv.pushAs(0, 2, 0, KEYS, new float[] {3, 9, 5, 1}));
    kv.waitFor(kv.pushAs(0, 2, 0, KEYS, new float[] {30, 90, 50, 10})); // the same push again: dropped
    float[] out = new float[KEYS.length];
    kv.waitFor(kv.pull(0, KEYS, out));
    assertArrayEquals(new float[] {4, 9, 5, 2}, out, "the largest of each key's pushes, each push applied once");
    assertEquals(2, stores[0].pushesDropped() + stores[1].pushesDropped(), "the repeat was dropped on both servers");
    float[] unknown = new float[1];
    kv.waitFor(kv.pull(0, new long[] {11}, unknown));
    assertEquals(-1f, unknown[0], "a key never pushed reads as the handle says (its option floor: -1)");
    assertEquals(0, stores[0].keys() + stores[1].keys(), "the handle's state is its own, not the store's slots");
  }

  @Test
  void aHandleIsRefusedWhereItsStateWouldHaveToBeCheckpointed() {
    ServerStore checkpointed = new ServerStore(0, 1, 1, 2, snapshot -> { });
    KVWorker kv = KVWorker.identified(0, KeyRanges.even(1), List.of(new InProcessChannel(checkpointed)));
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> kv.createTable(0, 1, UpdaterSpec.custom(MaxHandle.class, Map.of())));
    assertTrue(e.getMessage().contains("keeps its own state, which psyarn cannot checkpoint"), e.getMessage());
    RuntimeException unknown = assertThrows(RuntimeException.class,
        () -> kv.createTable(1, 1, new UpdaterSpec("com.example.Nope", 0, 0, 0, 0)));
    assertTrue(unknown.getMessage().contains("no such class in the app's jars"), unknown.getMessage());
  }

  @Test
  void aPerKeyRuleOfTheAppsIsAppliedAndCheckpointedWithItsOptions() throws Exception {
    List<ServerSnapshot> snapshots = new CopyOnWriteArrayList<>();
    ServerStore store = new ServerStore(0, 1, 1, 1, snapshots::add);
    KVWorker kv = KVWorker.identified(0, KeyRanges.even(1), List.of(new InProcessChannel(store)));
    UpdaterSpec spec = UpdaterSpec.custom(Scaled.class, Map.of("factor", 3));
    kv.createTable(0, 1, spec);
    kv.waitFor(kv.push(0, KEYS, new float[] {1, 2, 3, 4}));
    kv.waitFor(kv.clock(0));
    float[] out = new float[KEYS.length];
    kv.waitFor(kv.pull(0, KEYS, out));
    assertArrayEquals(new float[] {3, 6, 9, 12}, out);
    for (int i = 0; i < 200 && snapshots.isEmpty(); i++) {
      Thread.sleep(10);
    }
    assertEquals(1, snapshots.size(), "the cut at clock 0");
    ServerSnapshot read = Checkpoints.decode(Checkpoints.encode(snapshots.get(0)));
    assertEquals(spec, read.tables().get(0).updater(), "the rule's class and options survive a checkpoint");
    assertEquals("factor=3", read.tables().get(0).updater().options());
  }
}
