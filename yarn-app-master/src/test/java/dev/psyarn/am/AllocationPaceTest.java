package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AllocationPaceTest {

  private final List<Integer> set = new ArrayList<>();
  private final AllocationPace pace = new AllocationPace(200, 50);

  AllocationPaceTest() {
    pace.drive(set::add);
  }

  @Test
  void aWaitStartsFastAndSlowsToTheSteadyIntervalThenAnotherWaitStartsFastAgain() {
    pace.beat();
    assertEquals(List.of(), set, "nothing asked: the steady interval");
    pace.waiting(true);
    pace.beat();
    pace.beat();
    pace.beat();
    assertEquals(List.of(50, 100, 200), set);
    pace.waiting(true);
    assertEquals(200, pace.currentMs(), "still the same wait");
    pace.waiting(false);
    pace.waiting(true);
    pace.beat();
    assertEquals(List.of(50, 100, 200, 50, 100), set);
    pace.waiting(false);
    assertEquals(200, pace.currentMs(), "all given: back to the steady interval at once");
    pace.beat();
    assertEquals(List.of(50, 100, 200, 50, 100, 200), set);
  }

  @Test
  void aFirstIntervalAboveTheSteadyOneIsTheSteadyOne() {
    AllocationPace slow = new AllocationPace(100, 500);
    slow.drive(set::add);
    slow.waiting(true);
    slow.beat();
    assertEquals(List.of(), set);
    assertEquals(100, slow.currentMs());
  }
}
