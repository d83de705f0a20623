package dev.psyarn.ps.worker;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Holds a worker's requests while the servers change layout (server flex). Once paused, new
 * requests wait; pushes and clocks already sent are counted until answered. The worker is
 * quiescent when none is in flight, a probe sent after them to every server has been answered
 * (so every earlier pull was taken in: answered, or held by the server until it asks for it
 * again).
 */
final class LayoutGate {

  private final Object lock = new Object();
  /** The change the worker is paused for, or -1 while running. */
  private int pausedFor = -1;
  private int sending;
  private CompletableFuture<Void> probe;
  private CompletableFuture<Void> resumed = new CompletableFuture<>();

  /** Waits while paused, then counts a push or clock in flight until {@link #done}. */
  void enterSending() {
    synchronized (lock) {
      while (pausedFor >= 0) {
        await();
      }
      sending++;
    }
  }

  /** A push or clock counted by {@link #enterSending} was answered (or failed). */
  void done() {
    synchronized (lock) {
      sending--;
      lock.notifyAll();
    }
  }

  /** Waits while paused: a request that changes nothing (a pull, a listing). */
  void enter() {
    synchronized (lock) {
      while (pausedFor >= 0) {
        await();
      }
    }
  }

  /** Completes once the worker runs again (at once when it does). */
  CompletableFuture<Void> running() {
    synchronized (lock) {
      return pausedFor >= 0 ? resumed : CompletableFuture.completedFuture(null);
    }
  }

  /** Pauses for change {@code layout}: requests from now on wait. */
  void pause(int layout) {
    synchronized (lock) {
      if (pausedFor < 0) {
        pausedFor = layout;
        probe = null;
      }
    }
  }

  /**
   * The change this worker is quiescent for, or -1: paused, nothing in flight, and the probe
   * answered (sent by {@code probeAll} the first time the rest holds).
   */
  int quiescentFor(Supplier<CompletableFuture<Void>> probeAll) {
    synchronized (lock) {
      if (pausedFor < 0 || sending > 0) {
        return -1;
      }
      if (probe == null) {
        probe = probeAll.get();
      }
      return probe.isDone() && !probe.isCompletedExceptionally() ? pausedFor : -1;
    }
  }

  /** Whether the worker is paused. */
  boolean paused() {
    synchronized (lock) {
      return pausedFor >= 0;
    }
  }

  /** Runs again (after {@code switchTo} installed the new layout, under the gate's lock). */
  void resume(Runnable switchTo) {
    CompletableFuture<Void> wake;
    synchronized (lock) {
      switchTo.run();
      pausedFor = -1;
      probe = null;
      wake = resumed;
      resumed = new CompletableFuture<>();
      lock.notifyAll();
    }
    wake.complete(null);
  }

  private void await() {
    try {
      lock.wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the servers change layout", e);
    }
  }
}
