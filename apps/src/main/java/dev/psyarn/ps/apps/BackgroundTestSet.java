package dev.psyarn.ps.apps;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Worker 0's test set, loaded and indexed on a thread of its own: training starts once every worker
 * holds its training examples (a barrier), and the test set is first needed when the first epoch
 * is scored, so its loading (a second or so on two busy cores) is off that path. {@link #get} waits
 * for it, and rethrows what failed.
 */
final class BackgroundTestSet {

  private final FutureTask<TestSet> task;
  private volatile double seconds;

  BackgroundTestSet(Callable<Examples> examples, long biasKey) {
    this.task = new FutureTask<>(() -> {
      long start = System.nanoTime();
      TestSet test = new TestSet(examples.call(), biasKey);
      seconds = (System.nanoTime() - start) / 1e9;
      return test;
    });
    Thread loader = new Thread(task, "psyarn-test-set");
    loader.setDaemon(true);
    loader.start();
  }

  /** The test set, once loaded. */
  TestSet get() throws IOException {
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the test set loaded");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      } else if (cause instanceof RuntimeException runtime) {
        throw runtime;
      } else if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException("loading the test set failed: " + cause, cause);
    }
  }

  /** Seconds the loading took, once {@link #get} has returned. */
  double seconds() {
    return seconds;
  }
}
