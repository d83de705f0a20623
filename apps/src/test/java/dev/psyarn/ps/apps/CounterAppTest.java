package dev.psyarn.ps.apps;

import dev.psyarn.ps.api.InProcessJob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.psyarn.ps.api.Applications;
import dev.psyarn.ps.api.ConfiguredApp;
import dev.psyarn.ps.api.WorkerContext;
import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.specs.SpecException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CounterAppTest {

  private final CounterApp app = new CounterApp();

  @Test
  void workersRunningTogetherSeeExactTotals() throws Exception {
    JsonNode config = new ObjectMapper().readTree("{\"type\":\"counter\",\"keys\":500,\"rounds\":4}");
    InProcessJob.Outcome<CounterApp.Result> outcome = InProcessJob.run(app, config, 3, 2);
    List<CounterApp.Result> results = outcome.results();
    ServerStore[] stores = outcome.servers();
    CounterApp.Summary summary = app.combine(settings(config), results);
    assertEquals(0L, summary.mismatches());
    assertTrue(summary.expectedTotal() > 0);
    assertEquals(summary.expectedTotal(), summary.observedTotal());
    assertEquals(3, summary.workersReporting());
    assertTrue(app.verify(summary).isEmpty());
    assertTrue(stores[0].keys() > 0 && stores[1].keys() > 0, "keys are spread over both servers");
    assertEquals(500, stores[0].keys() + stores[1].keys());
  }

  @Test
  void aReplacementSkipsTheRoundsItsPredecessorAppliedAndTheTotalsStayExact() throws Exception {
    ServerStore store = new ServerStore(1);
    int keyCount = 300;
    long[] keys = CounterApp.keys(keyCount);
    dev.psyarn.ps.worker.KVWorker predecessor = dev.psyarn.ps.worker.KVWorker.identified(0,
        dev.psyarn.ps.worker.KeyRanges.even(1), List.of(new dev.psyarn.ps.transport.InProcessChannel(store)));
    predecessor.createTable(CounterApp.TABLE, 1);
    for (int round = 0; round < 2; round++) { // two rounds applied, then the worker is lost
      float[] increments = new float[keyCount];
      for (int i = 0; i < keyCount; i++) {
        increments[i] = CounterApp.increment(0, round, i);
      }
      predecessor.waitFor(predecessor.push(CounterApp.TABLE, keys, increments));
    }
    dev.psyarn.ps.worker.KVWorker replacement = dev.psyarn.ps.worker.KVWorker.identified(0,
        dev.psyarn.ps.worker.KeyRanges.even(1), List.of(new dev.psyarn.ps.transport.InProcessChannel(store)));
    JsonNode config = new ObjectMapper().readTree("{\"type\":\"counter\",\"keys\":300,\"rounds\":5}");
    CounterApp.Result result = app.run(new WorkerContext<>(0, 1, replacement, name -> { }, settings(config)));
    assertEquals(0, result.mismatches(), result.toString());
    assertEquals(result.expectedTotal(), result.observedTotal());
    assertEquals(2, result.resumedRounds(), "the two applied rounds are not pushed again");
    assertEquals(0, store.pushesDropped(), "nothing was sent twice");
  }

  @Test
  void verifyReportsMismatchesAndMissingResults() {
    CounterApp.Settings settings = new CounterApp.Settings(10, null, null, null);
    CounterApp.Summary summary = app.combine(settings, List.of(new CounterApp.Result(10, 100, 99, 1, 0, 0, 0, null)));
    assertTrue(app.verify(summary).orElseThrow().contains("1 mismatched keys"));
    assertTrue(app.verify(app.combine(settings, List.of())).orElseThrow().contains("no worker reported"));
  }

  @Test
  void workersThatDisagreeCountAsMismatches() {
    CounterApp.Summary summary = app.combine(new CounterApp.Settings(10, null, null, null), List.of(
        new CounterApp.Result(10, 100, 100, 0, 0, 0, 0, null), new CounterApp.Result(10, 100, 90, 0, 0, 0, 0, null)));
    assertEquals(1L, summary.mismatches());
    assertTrue(app.verify(summary).isPresent());
  }

  @Test
  void settingsAreBoundWithDefaultsAndErrorsNameTheField() throws Exception {
    CounterApp.Settings defaults = settings(new ObjectMapper().readTree("{\"type\":\"counter\"}"));
    assertEquals(new CounterApp.Settings(1000, 3, 0, false), defaults);
    SpecException bad = assertThrows(SpecException.class, () -> settings(new ObjectMapper().readTree(
        "{\"type\":\"counter\",\"keys\":0}")));
    assertEquals("app.keys", bad.field());
    assertTrue(bad.getMessage().contains("must be from 1 to 10000000, got 0"), bad.getMessage());
    SpecException unknown = assertThrows(SpecException.class, () -> settings(new ObjectMapper().readTree(
        "{\"type\":\"counter\",\"kyes\":5}")));
    assertEquals("app.kyes", unknown.field());
    assertTrue(unknown.getMessage().contains("known: jars, keys, pauseMs, pieces, rounds, type"), unknown.getMessage());
    SpecException text = assertThrows(SpecException.class, () -> settings(new ObjectMapper().readTree(
        "{\"type\":\"counter\",\"rounds\":\"3\"}")));
    assertEquals("app.rounds", text.field());
    assertTrue(text.getMessage().contains("must be a whole number, got \"3\""), text.getMessage());
    SpecException fraction = assertThrows(SpecException.class, () -> settings(new ObjectMapper().readTree(
        "{\"type\":\"counter\",\"rounds\":2.5}")));
    assertEquals("app.rounds", fraction.field());
    SpecException noType = assertThrows(SpecException.class, () -> Applications.configure(
        new ObjectMapper().readTree("{\"type\":\"nope\"}"), getClass().getClassLoader()));
    assertEquals("app.type", noType.field());
    assertTrue(noType.getMessage().contains("known: counter, sparse-fm, sparse-lr"), noType.getMessage());
  }

  private CounterApp.Settings settings(JsonNode config) {
    return ConfiguredApp.of(app, config).settings();
  }

  @Test
  void keysAreSortedAndSpanTheKeySpace() {
    long[] keys = CounterApp.keys(1000);
    for (int i = 1; i < keys.length; i++) {
      assertTrue(keys[i] > keys[i - 1]);
    }
    assertEquals(Long.MIN_VALUE, keys[0]);
    assertTrue(keys[999] >= Long.MAX_VALUE - Long.divideUnsigned(-1L, 1000) - 1000, "the last key is within a step of the top");
  }
}
