package dev.psyarn.ps.filter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.InProcessChannel;
import dev.psyarn.ps.worker.KVWorker;
import dev.psyarn.ps.worker.KeyRanges;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignificantlyModifiedFilterTest {

  private final ServerStore server = new ServerStore();
  private final KVWorker kv = new KVWorker(KeyRanges.even(1), List.of(new InProcessChannel(server)));

  private float[] onServer(long... keys) {
    float[] out = new float[keys.length];
    kv.waitFor(kv.pull(0, keys, out));
    return out;
  }

  @Test
  void smallUpdatesWaitUntilTheyAddUpAndNothingIsLost() {
    kv.createTable(0, 1);
    SignificantlyModifiedFilter filter = new SignificantlyModifiedFilter(kv, 0, 1.0f);
    kv.waitFor(filter.push(new long[] {1, 2, 3}, new float[] {5f, 0.4f, -0.3f}));
    assertArrayEquals(new float[] {5f, 0f, 0f}, onServer(1, 2, 3), "only key 1 was significant");
    assertEquals(-1, filter.push(new long[] {2, 3}, new float[] {0.4f, -0.3f}), "still below the threshold");
    kv.waitFor(filter.push(new long[] {2}, new float[] {0.4f}));
    assertArrayEquals(new float[] {5f, 1.2f, 0f}, onServer(1, 2, 3), "key 2's updates arrive summed");
    assertEquals(1, filter.pendingKeys());
    kv.waitFor(filter.flush());
    assertArrayEquals(new float[] {5f, 1.2f, -0.6f}, onServer(1, 2, 3), 1e-6f);
    assertEquals(0, filter.pendingKeys());
    assertEquals(3, filter.sent());
    assertEquals(2 + 2 + 0, filter.held(), "key updates held back at the time of their push");
  }

  @Test
  void aZeroThresholdPushesEverything() {
    kv.createTable(0, 1);
    SignificantlyModifiedFilter filter = new SignificantlyModifiedFilter(kv, 0, 0f);
    kv.waitFor(filter.push(new long[] {1, 2}, new float[] {1e-9f, 0f}));
    assertEquals(0, filter.held());
    assertEquals(-1, filter.flush());
    assertThrows(IllegalArgumentException.class, () -> new SignificantlyModifiedFilter(kv, 0, -1f));
  }
}
