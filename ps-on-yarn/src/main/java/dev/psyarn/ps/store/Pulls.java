package dev.psyarn.ps.store;

import dev.psyarn.ps.transport.RequestHandler.Reply;
import dev.psyarn.ps.wire.DataMessages;
import dev.psyarn.ps.wire.DataMessages.Pull;
import dev.psyarn.ps.wire.DataMessages.PullAnswer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server's pulls: each is answered once every worker's clock has reached the one it names
 * ({@link Pull#minClock()}), so sequential, bounded-delay and eventual consistency are all just the
 * clock a worker asks for; until then it is held. The held pulls are guarded by the vector clock's
 * lock.
 */
final class Pulls {

  private record Held(HeldRange range, Pull pull, Reply reply) {}

  private final VectorClock clock;
  private final List<Held> held = new ArrayList<>();
  final AtomicLong everHeld = new AtomicLong();
  final AtomicLong keysPulled = new AtomicLong();

  Pulls(VectorClock clock) {
    this.clock = clock;
  }

  /** Answers the pull of keys in {@code range} now, or holds it until the slowest worker's clock reaches it. */
  void pull(HeldRange range, Pull pull, Reply reply) {
    range.table(pull.table());
    int now;
    synchronized (clock) {
      now = clock.min();
      if (now < pull.minClock()) {
        held.add(new Held(range, pull, reply));
        everHeld.incrementAndGet();
        return;
      }
    }
    answer(range, pull, reply, now);
  }

  /**
   * The pulls the slowest worker's clock, now {@code now}, lets through, taken from those held:
   * call under the clock's lock, and {@link Released#answer()} after it.
   */
  Released release(int now) {
    List<Held> ready = new ArrayList<>();
    for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
      Held h = it.next();
      if (h.pull().minClock() <= now) {
        ready.add(h);
        it.remove();
      }
    }
    return new Released(ready, now);
  }

  /** Pulls let through at a clock, to be answered outside its lock. */
  final class Released {
    private final List<Held> ready;
    private final int now;

    private Released(List<Held> ready, int now) {
      this.ready = ready;
      this.now = now;
    }

    void answer() {
      for (Held h : ready) {
        Pulls.this.answer(h.range(), h.pull(), h.reply(), now);
      }
    }
  }

  /** The layout changed: every held pull is answered with an error that asks the worker to pull again. */
  void giveBack() {
    List<Held> back;
    synchronized (clock) {
      back = new ArrayList<>(held);
      held.clear();
    }
    for (Held h : back) {
      h.reply().error(DataMessages.LAYOUT_CHANGED + "pull again");
    }
  }

  private void answer(HeldRange range, Pull pull, Reply reply, int clockNow) {
    HeldRange.Table table = range.table(pull.table());
    keysPulled.addAndGet(pull.keys().length);
    // The values are read when the answer is written: from the table straight into the frame.
    reply.ok(new PullAnswer(pull.keys().length * table.values.width(), clockNow, out -> {
      synchronized (table) {
        table.get(pull.keys(), out);
      }
    }));
  }
}
