package dev.psyarn.am;

import java.util.Map;

/**
 * What a worker reported when it finished: the app's result as JSON (bound back to the app's
 * result type when the AM combines them) and the data plane's figures, which the report shows as
 * the container's metrics.
 *
 * @param result the app's result, as JSON
 * @param figures bytes in and out, and the servers' outages it saw
 */
record WorkerReport(String result, Map<String, Double> figures) {

  WorkerReport {
    figures = Map.copyOf(figures);
  }
}
