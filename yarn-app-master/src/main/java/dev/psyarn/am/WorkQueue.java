package dev.psyarn.am;

import dev.psyarn.ps.api.PieceLayout;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The paper's worker management: the job's work as numbered pieces, handed to whichever worker
 * asks next. A worker's unfinished piece goes back to the front of the queue when the worker is
 * lost or retired, so another takes it; a new worker simply asks. Rounds go out in order, and
 * within a round a worker gets the parts whose data it already holds first. Pure; event thread
 * only.
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

  private final PieceLayout layout;
  /** Pieces nobody works on, lowest first: rounds are handed out in order. */
  private final TreeSet<Integer> pending = new TreeSet<>();
  private final Map<String, Integer> working = new HashMap<>();
  /** The parts each slot has worked on: its worker has their data at hand. */
  private final Map<String, Set<Integer>> had = new HashMap<>();
  private final Set<Integer> done = new HashSet<>();
  private int redone;
  private int local;

  /** One round of {@code pieces} pieces. */
  WorkQueue(int pieces) {
    this(new PieceLayout(1, pieces));
  }

  WorkQueue(PieceLayout layout) {
    this.layout = layout;
    for (int i = 0; i < layout.total(); i++) {
      pending.add(i);
    }
  }

  /**
   * Worker {@code slot} finished piece {@code finished} (-1 for none) and asks for the next; a
   * piece finished twice (a redone one) counts once. The next is from the lowest round with
   * pieces left, one of a part the slot has had when there is one (its worker has that data
   * loaded), else the lowest.
   */
  Answer next(String slot, int finished) {
    if (finished >= 0) {
      done.add(finished);
      pending.remove(finished);
      working.remove(slot, finished);
    }
    Integer previous = working.remove(slot);
    if (previous != null && !done.contains(previous)) {
      return hand(slot, previous); // asked again without finishing it (a replacement in its slot)
    }
    if (pending.isEmpty()) {
      return done.size() == layout.total() ? new AllDone() : new Wait();
    }
    int first = pending.first();
    int round = layout.round(first);
    Set<Integer> parts = had.getOrDefault(slot, Set.of());
    for (int id : pending.subSet(first, true, (round + 1) * layout.parts(), false)) {
      if (parts.contains(layout.part(id))) {
        local++;
        pending.remove(id);
        return hand(slot, id);
      }
    }
    pending.remove(first);
    return hand(slot, first);
  }

  private Piece hand(String slot, int id) {
    working.put(slot, id);
    had.computeIfAbsent(slot, s -> new HashSet<>()).add(layout.part(id));
    return new Piece(id);
  }

  /** The slot's worker is gone: its unfinished piece goes to the front of the queue. */
  boolean release(String slot) {
    Integer id = working.remove(slot);
    if (id != null && !done.contains(id)) {
      pending.add(id);
      redone++;
      return true;
    }
    return false;
  }

  /** The pieces done, lowest first. */
  java.util.List<Integer> done() {
    return done.stream().sorted().toList();
  }

  /** Pieces an earlier attempt had done: never handed out again. */
  void restore(java.util.Collection<Integer> earlier) {
    for (int id : earlier) {
      if (id >= 0 && id < layout.total()) {
        done.add(id);
        pending.remove(id);
      }
    }
  }

  int total() {
    return layout.total();
  }

  /** Pieces handed to a slot that had had their part before. */
  int local() {
    return local;
  }

  int doneCount() {
    return done.size();
  }

  /** Pieces handed out again after their worker was lost. */
  int redone() {
    return redone;
  }
}
