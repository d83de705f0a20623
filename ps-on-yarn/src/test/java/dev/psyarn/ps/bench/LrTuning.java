package dev.psyarn.ps.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.psyarn.ps.apps.SparseLogisticRegression;
import dev.psyarn.ps.apps.WorkerContext;
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
 * Runs the sparse-lr app with in-process servers and worker threads (no YARN) to try settings
 * quickly: {@code java -cp <test classpath> dev.psyarn.ps.bench.LrTuning '<app json>' [workers]}.
 */
public final class LrTuning {

  public static void main(String[] args) throws Exception {
    var config = new ObjectMapper().readTree(args[0]);
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    ServerStore[] stores = {new ServerStore(workers), new ServerStore(workers)};
    CyclicBarrier barrier = new CyclicBarrier(workers);
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    });
    List<Future<Map<String, Double>>> futures = new ArrayList<>();
    SparseLogisticRegression app = new SparseLogisticRegression();
    for (int w = 0; w < workers; w++) {
      int index = w;
      futures.add(pool.submit(() -> {
        KVWorker kv = new KVWorker(index, new ConsistentHashRing(2, 128),
            List.of(new InProcessChannel(stores[0]), new InProcessChannel(stores[1])));
        return app.run(new WorkerContext(index, workers, kv, name -> {
          try {
            barrier.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, config));
      }));
    }
    List<Map<String, Double>> results = new ArrayList<>();
    for (Future<Map<String, Double>> f : futures) {
      results.add(f.get());
    }
    pool.shutdown();
    Map<String, Object> summary = app.summarize(results);
    summary.remove("lossCurve");
    System.out.println(summary);
  }
}
