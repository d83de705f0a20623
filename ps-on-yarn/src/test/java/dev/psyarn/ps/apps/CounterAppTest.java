package dev.psyarn.ps.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.specs.SpecException;
import dev.psyarn.specs.SpecNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CounterAppTest {

  private final CounterApp app = new CounterApp();

  @Test
  void workersRunningTogetherSeeExactTotals() throws Exception {
    JsonNode config = new ObjectMapper().readTree("{\"type\":\"counter\",\"keys\":500,\"rounds\":4}");
    InProcessJob.Outcome outcome = InProcessJob.run(app, config, 3, 2);
    List<Map<String, Double>> results = outcome.results();
    ServerStore[] stores = outcome.servers();
    Map<String, Object> summary = app.summarize(results);
    assertEquals(0L, summary.get("mismatches"));
    assertEquals(summary.get("expectedTotal"), summary.get("observedTotal"));
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
    Map<String, Double> result = app.run(new WorkerContext(0, 1, replacement, name -> { }, config));
    assertEquals(0.0, result.get("mismatches"), result.toString());
    assertEquals(result.get("expectedTotal"), result.get("observedTotal"));
    assertEquals(2.0, result.get("resumedRounds"), "the two applied rounds are not pushed again");
    assertEquals(0, store.pushesDropped(), "nothing was sent twice");
  }

  @Test
  void verifyReportsMismatchesAndMissingResults() {
    Map<String, Object> summary = app.summarize(List.of(
        Map.of("keys", 10.0, "expectedTotal", 100.0, "observedTotal", 99.0, "mismatches", 1.0)));
    assertTrue(app.verify(summary).orElseThrow().contains("1 mismatched keys"));
    assertTrue(app.verify(app.summarize(List.of())).isPresent());
  }

  @Test
  void workersThatDisagreeCountAsMismatches() {
    Map<String, Object> summary = app.summarize(List.of(
        Map.of("keys", 10.0, "expectedTotal", 100.0, "observedTotal", 100.0, "mismatches", 0.0),
        Map.of("keys", 10.0, "expectedTotal", 100.0, "observedTotal", 90.0, "mismatches", 0.0)));
    assertEquals(1L, summary.get("mismatches"));
  }

  @Test
  void validationNamesTheField() throws Exception {
    SpecNode bad = SpecNode.root(new ObjectMapper().readTree("{\"type\":\"counter\",\"keys\":0}"));
    assertEquals("keys", assertThrows(SpecException.class, () -> app.validate(bad)).field());
    SpecNode unknown = SpecNode.root(new ObjectMapper().readTree("{\"type\":\"counter\",\"kyes\":5}"));
    assertEquals("kyes", assertThrows(SpecException.class, () -> app.validate(unknown)).field());
    SpecNode noType = SpecNode.root(new ObjectMapper().readTree("{\"type\":\"nope\"}"));
    assertEquals("type", assertThrows(SpecException.class, () -> AppTypes.get(noType)).field());
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
