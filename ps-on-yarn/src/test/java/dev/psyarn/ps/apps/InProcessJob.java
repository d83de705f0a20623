package dev.psyarn.ps.apps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.InProcessChannel;
import dev.psyarn.ps.worker.ConsistentHashRing;
import dev.psyarn.ps.worker.KVWorker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An app run by worker threads against in-process servers, with the AM's barriers replaced by a
 * {@link CyclicBarrier}: the app's logic without YARN, for tests and quick experiments.
 */
public final class InProcessJob {

  /** The workers' results in worker order, and the servers. */
  public record Outcome(List<Map<String, Double>> results, ServerStore[] servers) {}

  private InProcessJob() {}

  public static Outcome run(AppType app, JsonNode config, int workers, int servers) throws Exception {
    ServerStore[] stores = new ServerStore[servers];
    for (int s = 0; s < servers; s++) {
      stores[s] = new ServerStore(workers);
    }
    CyclicBarrier barrier = new CyclicBarrier(workers);
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "in-process-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Map<String, Double>>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int index = w;
        futures.add(pool.submit(() -> {
          List<InProcessChannel> channels = new ArrayList<>();
          for (ServerStore store : stores) {
            channels.add(new InProcessChannel(store));
          }
          KVWorker kv = new KVWorker(index, new ConsistentHashRing(servers, 128), channels);
          return app.run(new WorkerContext(index, workers, kv, name -> {
            try {
              barrier.await();
            } catch (Exception e) {
              throw new IllegalStateException("barrier " + name + " broken", e);
            }
          }, config));
        }));
      }
      List<Map<String, Double>> results = new ArrayList<>();
      for (Future<Map<String, Double>> f : futures) {
        results.add(f.get());
      }
      return new Outcome(results, stores);
    } finally {
      pool.shutdownNow();
    }
  }
}
