package dev.psyarn.ps.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.InProcessChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each consistency model's guarantee, shown from the clocks the servers report with every answered
 * pull, against a deliberately slow worker that does nothing until the test lets it: no timing.
 */
class ConsistencyTest {

  private static final long[] KEYS = {1, 2, 3};

  private final ServerStore[] servers = {new ServerStore(2), new ServerStore(2)};
  private final KVWorker fast = worker(0);
  private final KVWorker slow = worker(1);

  private KVWorker worker(int index) {
    return new KVWorker(index, new ConsistentHashRing(2, 8),
        List.of(new InProcessChannel(servers[0]), new InProcessChannel(servers[1])));
  }

  /** The fast worker's iterations that were answered before the slow worker moved, and the clocks seen. */
  private record Run(int iterationsAnswered, List<int[]> requiredAndSeen, long blockedTimestamp) {}

  /** Runs the fast worker until a pull is held (or up to 10 iterations), the slow one idle. */
  private Run runFast(Consistency consistency) {
    fast.createTable(0, 1);
    List<int[]> seen = new ArrayList<>();
    for (int t = 0; t < 10; t++) {
      float[] out = new float[KEYS.length];
      long ts = fast.pull(0, KEYS, out, consistency.requiredClock(t));
      if (!fast.done(ts)) {
        return new Run(t, seen, ts);
      }
      fast.waitFor(ts);
      seen.add(new int[] {consistency.requiredClock(t), fast.lastServerClock()});
      fast.waitFor(fast.push(0, KEYS, new float[] {1, 1, 1}));
      fast.waitFor(fast.clock(t));
    }
    return new Run(10, seen, -1);
  }

  private static void assertEveryAnswerMetItsRequirement(Run run) {
    for (int[] requiredAndSeen : run.requiredAndSeen()) {
      assertTrue(requiredAndSeen[1] >= requiredAndSeen[0],
          "answered at server clock " + requiredAndSeen[1] + " but needed " + requiredAndSeen[0]);
    }
  }

  @Test
  void sequentialWaitsForEveryWorkerToFinishThePreviousIteration() {
    Run run = runFast(Consistency.SEQUENTIAL);
    assertEquals(1, run.iterationsAnswered(), "iteration 1 needs the slow worker's iteration 0");
    assertEveryAnswerMetItsRequirement(run);
    slow.waitFor(slow.clock(0));
    assertTrue(fast.done(run.blockedTimestamp()), "the held pull is answered once the slow worker catches up");
    fast.waitFor(run.blockedTimestamp());
    assertEquals(0, fast.lastServerClock());
  }

  @Test
  void boundedDelayLetsAWorkerRunTauIterationsAheadAndNoFurther() {
    int tau = 3;
    Run run = runFast(Consistency.bounded(tau));
    assertEquals(tau + 1, run.iterationsAnswered(), "iterations 0..τ need nothing of the slow worker");
    assertEveryAnswerMetItsRequirement(run);
    assertTrue(servers[0].pullsHeld() + servers[1].pullsHeld() >= 1);
    slow.waitFor(slow.clock(0));
    assertTrue(fast.done(run.blockedTimestamp()));
  }

  @Test
  void eventualNeverWaits() {
    Run run = runFast(Consistency.EVENTUAL);
    assertEquals(10, run.iterationsAnswered());
    assertEquals(-1, fast.lastServerClock(), "the slow worker never finished an iteration");
    assertEquals(0, servers[0].pullsHeld() + servers[1].pullsHeld());
  }

  @Test
  void theSlowestWorkerSetsTheClockAndClocksNeverGoBack() {
    fast.createTable(0, 1);
    fast.waitFor(fast.clock(5));
    slow.waitFor(slow.clock(2));
    slow.waitFor(slow.clock(1));
    assertEquals(2, servers[0].clock());
    assertEquals(2, servers[1].clock());
  }

  @Test
  void requiredClocks() {
    assertEquals(4, Consistency.SEQUENTIAL.requiredClock(5));
    assertEquals(2, Consistency.bounded(2).requiredClock(5));
    assertEquals(Integer.MIN_VALUE, Consistency.EVENTUAL.requiredClock(5));
    assertThrows(IllegalArgumentException.class, () -> Consistency.bounded(-1));
    assertThrows(IllegalArgumentException.class, () -> new Consistency("strict", 0));
    assertFalse(Consistency.bounded(0).equals(Consistency.EVENTUAL));
  }
}
