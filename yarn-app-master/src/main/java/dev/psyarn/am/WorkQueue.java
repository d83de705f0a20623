package dev.psyarn.am;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The paper's worker management: the job's work as numbered pieces, handed to whichever worker
 * asks next. A worker's unfinished piece goes back to the front of the queue when the worker is
 * lost or retired, so another takes it; a new worker simply asks. Pure; event thread only.
 */
final class WorkQueue {

  /** What a worker that asks gets. */
  sealed interface Answer {}

  /** Work on piece {@code id}. */
  record Piece(int id) implements Answer {}

  /** Nothing to hand out now, but pieces are still being worked on: ask again when they end. */
  record Wait() implements Answer {}

  /** Every piece is done. */
  record AllDone() implements Answer {}

  private final int pieces;
  private final Deque<Integer> pending = new ArrayDeque<>();
  private final Map<String, Integer> working = new HashMap<>();
  private final Set<Integer> done = new HashSet<>();
  private int redone;

  WorkQueue(int pieces) {
    this.pieces = pieces;
    for (int i = 0; i < pieces; i++) {
      pending.add(i);
    }
  }

  /**
   * Worker {@code slot} finished piece {@code finished} (-1 for none) and asks for the next; a
   * piece finished twice (a redone one) counts once.
   */
  Answer next(String slot, int finished) {
    if (finished >= 0) {
      done.add(finished);
      working.remove(slot, finished);
    }
    Integer previous = working.remove(slot);
    if (previous != null && !done.contains(previous)) {
      pending.addFirst(previous); // asked again without finishing it (a replacement in its slot)
    }
    while (!pending.isEmpty()) {
      int id = pending.pollFirst();
      if (!done.contains(id)) {
        working.put(slot, id);
        return new Piece(id);
      }
    }
    return done.size() == pieces ? new AllDone() : new Wait();
  }

  /** The slot's worker is gone: its unfinished piece goes to the front of the queue. */
  boolean release(String slot) {
    Integer id = working.remove(slot);
    if (id != null && !done.contains(id)) {
      pending.addFirst(id);
      redone++;
      return true;
    }
    return false;
  }

  int total() {
    return pieces;
  }

  int doneCount() {
    return done.size();
  }

  /** Pieces handed out again after their worker was lost. */
  int redone() {
    return redone;
  }
}
