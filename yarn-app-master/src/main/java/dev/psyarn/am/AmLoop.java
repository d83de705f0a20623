package dev.psyarn.am;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AM's one event thread. YARN's callbacks, control-plane requests and timers only post here,
 * as tasks on the lifecycle they will be run against; the lifecycle is given when the loop runs,
 * so the parts that post are built before it, and nothing is bound late. The AM's main thread
 * runs the loop until the job's outcome is known (Spark's "a loop plus one finish"), then it goes
 * on in the background while the AM finishes, for the status page and late heartbeats.
 */
final class AmLoop {

  private static final Logger LOG = LoggerFactory.getLogger(AmLoop.class);

  private final BlockingQueue<Consumer<JobLifecycle>> tasks = new LinkedBlockingQueue<>();
  /** Runs after every task (on the event thread): cheap checks for what a watcher wants to see change. */
  private volatile Consumer<JobLifecycle> watcher = lifecycle -> {};
  private volatile boolean running;

  /** Sets the one watcher run after every task. */
  void afterEach(Consumer<JobLifecycle> watcher) {
    this.watcher = watcher;
  }

  /** Delivers an event to the lifecycle. */
  void post(AmEvent event) {
    tasks.add(lifecycle -> lifecycle.handle(event));
  }

  /** Runs a task on the event thread. */
  void submit(Consumer<JobLifecycle> task) {
    tasks.add(task);
  }

  /** Computes something on the event thread. */
  <T> CompletableFuture<T> call(Function<JobLifecycle, T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    tasks.add(lifecycle -> {
      try {
        result.complete(task.apply(lifecycle));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /**
   * Whether tasks are being run: until then a caller must not wait for one (the metrics system
   * asks for figures as the source registers, on the thread that goes on to run the loop).
   */
  boolean running() {
    return running;
  }

  /** Runs tasks on the calling thread until the job's outcome is known, and returns it. */
  JobLifecycle.Outcome run(JobLifecycle lifecycle) throws InterruptedException {
    running = true;
    while (!lifecycle.outcome().isDone()) {
      Consumer<JobLifecycle> task = tasks.poll(1, TimeUnit.SECONDS);
      if (task != null) {
        runOne(lifecycle, task);
        runOne(lifecycle, watcher);
      }
    }
    return lifecycle.outcome().join();
  }

  /** Goes on running tasks on a daemon thread, once the job has ended and the AM is finishing. */
  void continueInBackground(JobLifecycle lifecycle) {
    Thread t = new Thread(() -> {
      try {
        while (true) {
          runOne(lifecycle, tasks.take());
          runOne(lifecycle, watcher);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "psyarn-am-events");
    t.setDaemon(true);
    t.start();
  }

  private static void runOne(JobLifecycle lifecycle, Consumer<JobLifecycle> task) {
    try {
      task.accept(lifecycle);
    } catch (RuntimeException e) {
      LOG.error("an event task failed", e);
    }
  }
}
