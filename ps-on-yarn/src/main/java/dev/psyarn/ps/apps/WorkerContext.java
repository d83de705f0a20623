package dev.psyarn.ps.apps;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.ps.worker.KVWorker;

/**
 * What a worker's app can use.
 *
 * @param index this worker's index, from 0
 * @param numWorkers workers in the job as it was submitted
 * @param kv the servers
 * @param coordinator barriers among the workers
 * @param config the job's {@code app} section
 * @param pieces the AM's work queue, for apps that declare pieces ({@link AppType#pieces})
 * @param live figures the app updates while it runs (training loss, examples, throughput): the
 *     worker's heartbeats carry them to the AM's status and metrics, and its metrics2 source shows them
 */
public record WorkerContext(int index, int numWorkers, KVWorker kv, Coordinator coordinator, JsonNode config,
    Pieces pieces, Map<String, Double> live) {

  /** A context whose live figures go nowhere but this map. */
  public WorkerContext(int index, int numWorkers, KVWorker kv, Coordinator coordinator, JsonNode config,
      Pieces pieces) {
    this(index, numWorkers, kv, coordinator, config, pieces, new java.util.concurrent.ConcurrentHashMap<>());
  }

  /** A context without a work queue. */
  public WorkerContext(int index, int numWorkers, KVWorker kv, Coordinator coordinator, JsonNode config) {
    this(index, numWorkers, kv, coordinator, config, finished -> {
      throw new IllegalStateException("this job hands out no pieces");
    });
  }

  /** The paper's worker management, seen from a worker: ask for a piece, do it, ask again. */
  @FunctionalInterface
  public interface Pieces {
    /**
     * Reports piece {@code finished} done (-1 for none) and blocks until there is a next piece;
     * -1 when every piece of the job is done (by any worker).
     */
    int next(int finished);
  }

  /** Synchronization among the workers, through the AM. */
  @FunctionalInterface
  public interface Coordinator {
    /** Blocks until every worker has reached the barrier of this name. */
    void barrier(String name);
  }
}
