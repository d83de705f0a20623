package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Checkpoints by time: one clock for every server, ahead of the workers by what they pass in a few heartbeats. */
class CheckpointPacerTest {

  private static Map<String, Double> at(int clock) {
    return Map.of("clock.max", (double) clock);
  }

  @Test
  void everyServerIsAskedForTheSameClockAheadOfTheWorkersOnceAnInterval() {
    CheckpointPacer pacer = new CheckpointPacer(10, 0);
    // Two servers beat every second; the workers pass 50 clocks a second.
    int asked = -1;
    for (long t = 1000; t < 10_000; t += 1000) {
      assertEquals(-1, pacer.heartbeat("s0", at((int) (t / 20)), t), "nothing before 10 s");
      assertEquals(-1, pacer.heartbeat("s1", at((int) (t / 20)), t + 10));
    }
    asked = pacer.heartbeat("s0", at(500), 10_000);
    assertTrue(asked >= 500 + 100 && asked <= 500 + 200, "about three heartbeats' clocks ahead: " + asked);
    assertEquals(asked, pacer.heartbeat("s1", at(500), 10_010), "the other server gets the same clock");
    assertEquals(asked, pacer.heartbeat("s0", at(550), 11_000), "asked again for a few heartbeats");
    assertEquals(-1, pacer.heartbeat("s0", at(750), 15_000));
    assertEquals(1, pacer.asks());
    int next = pacer.heartbeat("s0", at(1000), 20_000);
    assertTrue(next > 1000, "the next interval's: " + next);
    assertEquals(2, pacer.asks());
  }

  @Test
  void anAskAServerGotTooLateDoublesTheLead() {
    CheckpointPacer pacer = new CheckpointPacer(5, 0);
    for (long t = 1000; t <= 4000; t += 1000) {
      pacer.heartbeat("s0", at((int) (t / 10)), t);
    }
    int first = pacer.heartbeat("s0", at(500), 5000) - 500;
    pacer.heartbeat("s0", Map.of("clock.max", 600.0, "checkpoint.missed", 1.0), 6000);
    assertEquals(2, pacer.leadFactor());
    for (long t = 7000; t < 10_000; t += 1000) {
      pacer.heartbeat("s0", at((int) (t / 10)), t);
    }
    int second = pacer.heartbeat("s0", at(1000), 10_000) - 1000;
    assertTrue(second >= 2 * first - 2, "lead " + first + ", then " + second);
  }

  @Test
  void noAskBeforeAnyWorkerRuns() {
    CheckpointPacer pacer = new CheckpointPacer(1, 0);
    assertEquals(-1, pacer.heartbeat("s0", at(-1), 5000));
    assertEquals(-1, pacer.heartbeat("s0", Map.of(), 6000));
    assertEquals(0, pacer.asks());
  }
}
