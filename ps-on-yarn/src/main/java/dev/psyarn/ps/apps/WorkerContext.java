package dev.psyarn.ps.apps;

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
 */
public record WorkerContext(int index, int numWorkers, KVWorker kv, Coordinator coordinator, JsonNode config,
    Pieces pieces) {

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
