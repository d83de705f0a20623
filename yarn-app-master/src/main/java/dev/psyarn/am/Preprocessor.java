package dev.psyarn.am;

import java.util.Map;

/** Runs the preprocessing jobs in the background; ends with PREPROCESSED or PREPROCESS_FAILED. */
interface Preprocessor {
  void start();

  /** Kills the MapReduce jobs still running, when the job ends before they do. */
  default void cancel() {
  }

  /** The stage's status, for the journal once it succeeded. */
  default Map<String, Object> status() {
    return Map.of();
  }

  /** The check that lets the servers start while the stage runs; null: they wait for it. */
  default EarlyServers earlyServers() {
    return null;
  }

  /** An earlier attempt's stage succeeded with this status: it is not run again. */
  default void restore(Map<String, Object> status) {
  }
}
