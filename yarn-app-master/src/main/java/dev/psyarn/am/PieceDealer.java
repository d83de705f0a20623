package dev.psyarn.am;

import dev.psyarn.ps.transport.RequestHandler.Reply;
import dev.psyarn.ps.wire.ControlMessages.PieceReply;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers the workers' requests for pieces from the {@link WorkQueue}: at once when a piece is
 * free, or holding the request until one is (a lost or retired worker's) or every piece is done.
 * Event thread only.
 */
final class PieceDealer {

  private record HeldAsk(String slot, Reply reply) {}

  private final WorkQueue queue;
  private final List<HeldAsk> asking = new ArrayList<>();

  PieceDealer(dev.psyarn.ps.api.PieceLayout layout) {
    this.queue = new WorkQueue(layout);
  }

  /**
   * Worker {@code slot} finished {@code finished} (-1 for none) and asks for its next piece;
   * returns whether that piece was newly done.
   */
  boolean ask(String slot, int finished, Reply reply) {
    int before = queue.doneCount();
    answer(slot, queue.next(slot, finished), reply);
    if (queue.doneCount() == queue.total()) {
      wake();
    }
    return queue.doneCount() > before;
  }

  /** The pieces done, lowest first. */
  java.util.List<Integer> done() {
    return queue.done();
  }

  /** An earlier attempt's finished pieces are not handed out again. */
  void restore(java.util.List<Integer> done) {
    queue.restore(done);
  }

  /** The slot lost its worker: its held request is dropped and its unfinished piece goes to the next asker. */
  void release(String slot) {
    asking.removeIf(h -> h.slot().equals(slot));
    if (queue.release(slot)) {
      wake();
    }
  }

  /** How far the work is: see {@link WorkerPool#pieceFigures}. */
  java.util.Map<String, Object> figures() {
    java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
    out.put("pieces.total", (long) queue.total());
    out.put("pieces.done", (long) queue.doneCount());
    out.put("pieces.redone", (long) queue.redone());
    out.put("pieces.local", (long) queue.local());
    return out;
  }

  private void answer(String slot, WorkQueue.Answer answer, Reply reply) {
    if (answer instanceof WorkQueue.Piece p) {
      reply.ok(new PieceReply(p.id()));
    } else if (answer instanceof WorkQueue.AllDone) {
      reply.ok(new PieceReply(-1));
    } else {
      asking.add(new HeldAsk(slot, reply));
    }
  }

  private void wake() {
    List<HeldAsk> held = new ArrayList<>(asking);
    asking.clear();
    held.forEach(h -> answer(h.slot(), queue.next(h.slot(), -1), h.reply()));
  }
}
