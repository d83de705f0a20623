package dev.psyarn.ps.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.InProcessChannel;
import dev.psyarn.ps.worker.ConsistentHashRing;
import dev.psyarn.ps.worker.KVWorker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An app run by worker threads against in-process servers, with the AM's barriers replaced by a
 * {@link CyclicBarrier} and its work queue by {@link InProcessPieces}: the app's logic without
 * YARN, for tests and quick experiments.
 */
public final class InProcessJob {

  /**
   * The workers' results in worker order (each through its JSON, as it travels to the AM), the
   * servers, and each worker's live figures as it left them (what its last heartbeat carried).
   */
  public record Outcome<R>(List<R> results, ServerStore[] servers, List<java.util.Map<String, Double>> live) {}

  private InProcessJob() {}

  /** Runs {@code app} with the settings the {@code app} section {@code config} binds to. */
  public static <S, R, T> Outcome<R> run(Application<S, R, T> app, JsonNode config, int workers, int servers)
      throws Exception {
    return run(ConfiguredApp.of(app, config), workers, servers);
  }

  public static <S, R, T> Outcome<R> run(ConfiguredApp<S, R, T> job, int workers, int servers) throws Exception {
    Application<S, R, T> app = job.app();
    ServerStore[] stores = new ServerStore[servers];
    for (int s = 0; s < servers; s++) {
      stores[s] = new ServerStore(workers);
    }
    CyclicBarrier barrier = new CyclicBarrier(workers);
    InProcessPieces pieces = new InProcessPieces(job.pieces(workers).total());
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "in-process-worker");
      t.setDaemon(true);
      return t;
    });
    List<java.util.Map<String, Double>> live = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      live.add(new java.util.concurrent.ConcurrentHashMap<>());
    }
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int index = w;
        futures.add(pool.submit(() -> {
          List<InProcessChannel> channels = new ArrayList<>();
          for (ServerStore store : stores) {
            channels.add(new InProcessChannel(store));
          }
          KVWorker kv = new KVWorker(index, new ConsistentHashRing(servers, 128), channels);
          return job.result(job.toJson(app.run(new WorkerContext<>(index, workers, kv, name -> {
            try {
              barrier.await();
            } catch (Exception e) {
              throw new IllegalStateException("barrier " + name + " broken", e);
            }
          }, job.settings(), pieces::next, live.get(index)))));
        }));
      }
      List<R> results = new ArrayList<>();
      for (Future<R> f : futures) {
        results.add(f.get());
      }
      return new Outcome<>(results, stores, live);
    } finally {
      pool.shutdownNow();
    }
  }
}

/** Pieces handed out in order; -1 once every piece is done (not merely handed out). */
final class InProcessPieces {

  private final int total;
  private int next;
  private int done;

  InProcessPieces(int total) {
    this.total = total;
  }

  synchronized int next(int finished) {
    if (finished >= 0) {
      done++;
      notifyAll();
    }
    if (next < total) {
      return next++;
    }
    while (done < total) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for the last pieces", e);
      }
    }
    return -1;
  }
}
