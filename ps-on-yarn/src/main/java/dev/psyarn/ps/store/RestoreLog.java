package dev.psyarn.ps.store;

import dev.psyarn.ps.wire.DataMessages.RecoveryReply;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The restores from checkpoints a server's own range went through, and what each lost: which of
 * each worker's pushes the lost server had acknowledged and the checkpoint does not hold (from the
 * first push and clock each worker sends after the restore). Carried in the server's later
 * checkpoints. Thread-safe.
 */
final class RestoreLog {

  private final int workers;
  private final List<ServerSnapshot.Rollback> rollbacks = new ArrayList<>();
  /** Whether the last restore still waits for some worker's first push. */
  private volatile boolean awaiting;

  RestoreLog(int workers) {
    this.workers = workers;
  }

  /** The range was restored from {@code snapshot}: its earlier restores, and this one. */
  synchronized void restored(ServerSnapshot snapshot) {
    rollbacks.clear();
    rollbacks.addAll(snapshot.rollbacks());
    int[] resumed = new int[workers];
    Arrays.fill(resumed, -1);
    long[] restoredSeqs = new long[workers];
    long[] resumedSeqs = new long[workers];
    for (int w = 0; w < workers; w++) {
      for (ServerSnapshot.Table t : snapshot.tables()) {
        restoredSeqs[w] = Math.max(restoredSeqs[w], t.ledger().getOrDefault(w, 0L));
      }
      resumedSeqs[w] = -1;
    }
    rollbacks.add(new ServerSnapshot.Rollback(snapshot.clock(), resumed, restoredSeqs, resumedSeqs));
    awaiting = true;
  }

  /** Whether a push of worker {@code origin} may be the first after a restore (a cheap check, no lock). */
  boolean awaits(int origin) {
    return awaiting && origin >= 0 && origin < workers;
  }

  /** Worker {@code worker} pushed {@code seq}: the first after the restore says which of its pushes were lost. */
  synchronized void pushed(int worker, long seq) {
    ServerSnapshot.Rollback last = rollbacks.get(rollbacks.size() - 1);
    if (last.resumedSeqs()[worker] < 0 && seq > last.restoredSeqs()[worker]) { // not a replay the checkpoint has
      last.resumedSeqs()[worker] = seq;
      awaiting = Arrays.stream(last.resumedSeqs()).anyMatch(s -> s < 0);
    }
  }

  /** Worker {@code worker} sent clock {@code tick}: the first after a restore says how far it had come. */
  synchronized void clocked(int worker, int tick) {
    if (!rollbacks.isEmpty() && worker >= 0 && worker < workers) {
      ServerSnapshot.Rollback last = rollbacks.get(rollbacks.size() - 1);
      if (last.resumedClocks()[worker] < 0) {
        last.resumedClocks()[worker] = Math.max(tick, last.restoredClock());
      }
    }
  }

  /** The restores so far, oldest first (copies). */
  synchronized List<ServerSnapshot.Rollback> copy() {
    return rollbacks.stream().map(ServerSnapshot.Rollback::copy).toList();
  }

  /** The answer to a {@code Recovery} request. */
  RecoveryReply reply() {
    List<ServerSnapshot.Rollback> done = copy();
    int[] restored = new int[done.size()];
    int[] resumed = new int[done.size() * workers];
    long[] restoredSeqs = new long[done.size() * workers];
    long[] resumedSeqs = new long[done.size() * workers];
    for (int i = 0; i < restored.length; i++) {
      ServerSnapshot.Rollback r = done.get(i);
      restored[i] = r.restoredClock();
      System.arraycopy(r.resumedClocks(), 0, resumed, i * workers, workers);
      System.arraycopy(r.restoredSeqs(), 0, restoredSeqs, i * workers, workers);
      System.arraycopy(r.resumedSeqs(), 0, resumedSeqs, i * workers, workers);
    }
    return new RecoveryReply(restored, resumed, restoredSeqs, resumedSeqs);
  }
}
