package dev.psyarn.am;

import dev.psyarn.ps.apps.AppType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The results the workers reported, by worker index, and what the app makes of them once every
 * worker's are in: its summary (the report's metrics) and its verdict. Event thread only.
 */
final class WorkerResults {

  private final TreeMap<Integer, Map<String, Double>> byIndex = new TreeMap<>();
  private Map<String, Object> summary = Map.of();

  void put(int index, Map<String, Double> results) {
    byIndex.put(index, results);
  }

  /** Results an earlier AM attempt had, restored by its successor. */
  void restore(Map<Integer, Map<String, Double>> earlier) {
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
  Map.Entry<Integer, Map<String, Double>> pollLast() {
    return byIndex.pollLastEntry();
  }

  /** A copy, for the journal. */
  Map<Integer, Map<String, Double>> copy() {
    return new TreeMap<>(byIndex);
  }

  /** Summarizes every worker's results with the app; the reason they are wrong, if they are. */
  Optional<String> combine(AppType app) {
    summary = app.summarize(List.copyOf(byIndex.values()));
    return app.verify(summary);
  }

  Map<String, Object> summary() {
    return summary;
  }

  /** The data plane's bytes in a worker's results, which the report shows as the container's metrics. */
  static Map<String, Double> traffic(Map<String, Double> results) {
    Map<String, Double> traffic = new LinkedHashMap<>();
    for (String key : new String[] {"bytesIn", "bytesOut", "servers.outageSeconds", "servers.reconnects"}) {
      if (results.containsKey(key)) {
        traffic.put(key, results.get(key));
      }
    }
    return traffic;
  }
}
