package dev.psyarn.am;

import dev.psyarn.ps.api.ConfiguredApp;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The results the workers reported, by worker index, and what the app makes of them once every
 * worker's are in: its summary (the report's metrics) and its verdict. Event thread only.
 */
final class WorkerResults {

  private final TreeMap<Integer, WorkerReport> byIndex = new TreeMap<>();
  private Map<String, Object> summary = Map.of();

  void put(int index, WorkerReport results) {
    byIndex.put(index, results);
  }

  /** Results an earlier AM attempt had, restored by its successor. */
  void restore(Map<Integer, WorkerReport> earlier) {
    byIndex.putAll(earlier);
  }

  int count() {
    return byIndex.size();
  }

  /** Workers of index below {@code n} that have reported. */
  int countBelow(int n) {
    return byIndex.headMap(n).size();
  }

  Set<Integer> indexes() {
    return byIndex.keySet();
  }

  /** The last worker's report, taken out (to be handled again by a new attempt). */
  Map.Entry<Integer, WorkerReport> pollLast() {
    return byIndex.pollLastEntry();
  }

  /** A copy, for the journal. */
  Map<Integer, WorkerReport> copy() {
    return new TreeMap<>(byIndex);
  }

  /** Summarizes every worker's results with the app; the reason they are wrong, if they are. */
  Optional<String> combine(ConfiguredApp<?, ?, ?> app) {
    ConfiguredApp.Combined combined = app.combine(byIndex.values().stream().map(WorkerReport::result).toList());
    summary = combined.result();
    return combined.wrong();
  }

  Map<String, Object> summary() {
    return summary;
  }
}
