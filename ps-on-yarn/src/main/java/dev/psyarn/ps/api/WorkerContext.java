package dev.psyarn.ps.api;

import dev.psyarn.ps.worker.KVWorker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a worker's part of an {@link Application} can use.
 *
 * @param index this worker's index, from 0
 * @param numWorkers workers in the job as it was submitted
 * @param kv the servers: tables, push, pull, clocks (the worker API)
 * @param coordinator barriers among the workers
 * @param settings the job's settings, bound from its {@code app} section
 * @param pieces the AM's work queue, for apps that declare pieces ({@link Application#pieces})
 * @param live figures the app updates while it runs (training loss, examples, throughput): the
 *     worker's heartbeats carry them to the AM's status and metrics, and its metrics2 source shows them
 * @param <S> the settings record
 */
public record WorkerContext<S>(int index, int numWorkers, KVWorker kv, Coordinator coordinator, S settings,
    Pieces pieces, Map<String, Double> live) {

  /** A context whose live figures go nowhere but this map. */
  public WorkerContext(int index, int numWorkers, KVWorker kv, Coordinator coordinator, S settings, Pieces pieces) {
    this(index, numWorkers, kv, coordinator, settings, pieces, new ConcurrentHashMap<>());
  }

  /** A context without a work queue. */
  public WorkerContext(int index, int numWorkers, KVWorker kv, Coordinator coordinator, S settings) {
    this(index, numWorkers, kv, coordinator, settings, finished -> {
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
