package dev.psyarn.ps.apps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.ps.worker.KVWorker;

/**
 * What a worker's app can use.
 *
 * @param index this worker's index, from 0
 * @param numWorkers workers in the job
 * @param kv the servers
 * @param coordinator barriers among the workers
 * @param config the job's {@code app} section
 */
public record WorkerContext(int index, int numWorkers, KVWorker kv, Coordinator coordinator, JsonNode config) {

  /** Synchronization among the workers, through the AM. */
  @FunctionalInterface
  public interface Coordinator {
    /** Blocks until every worker has reached the barrier of this name. */
    void barrier(String name);
  }
}
