package dev.psyarn.ps.store;

import dev.psyarn.ps.transport.RequestHandler;
import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.wire.DataMessages.Ack;
import dev.psyarn.ps.wire.DataMessages.Clock;
import dev.psyarn.ps.wire.DataMessages.CreateTable;
import dev.psyarn.ps.wire.DataMessages.KeyList;
import dev.psyarn.ps.wire.DataMessages.ListKeys;
import dev.psyarn.ps.wire.DataMessages.Progress;
import dev.psyarn.ps.wire.DataMessages.ProgressReply;
import dev.psyarn.ps.wire.DataMessages.Pull;
import dev.psyarn.ps.wire.DataMessages.PullAnswer;
import dev.psyarn.ps.wire.DataMessages.Push;
import dev.psyarn.ps.wire.DataMessages.ReceivedPush;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server's tables and its answers to data-plane requests. Requests from different workers arrive
 * on different I/O threads; each table is guarded by its own lock, the vector clock and the pulls
 * it holds by the clock's.
 *
 * <p>Consistency: a pull names the minimum clock it needs; it is answered once every worker's
 * clock has reached it, so sequential, bounded-delay and eventual consistency are all just the
 * clock a worker asks for.
 */
public final class ServerStore implements RequestHandler {

  private final Map<Integer, KeyValueTable> tables = new ConcurrentHashMap<>();
  private final VectorClock clock;
  private final List<HeldPull> held = new ArrayList<>();
  private final AtomicLong pullsHeld = new AtomicLong();
  private final AtomicLong keysPushed = new AtomicLong();
  private final AtomicLong keysPulled = new AtomicLong();
  private final AtomicLong pushesDropped = new AtomicLong();
  private final PushLedger ledger = new PushLedger();

  private record HeldPull(Pull pull, Reply reply) {}

  /** A server for a job of one worker (tests, benchmarks). */
  public ServerStore() {
    this(1);
  }

  public ServerStore(int workers) {
    this.clock = new VectorClock(workers);
  }

  @Override
  public void handle(Object request, Reply reply) {
    if (request instanceof Push push) {
      request = new ReceivedPush(push.table(), push.keys(), FloatBuffer.wrap(push.values()), push.origin(),
          push.seq()); // in-process
    }
    if (request instanceof ReceivedPush push) {
      KeyValueTable table = table(push.table());
      if (!ledger.firstTime(push.origin(), push.seq())) {
        pushesDropped.incrementAndGet();
        reply.ok(new Ack()); // applied before, from this origin: acknowledged, not applied again
        return;
      }
      synchronized (table) {
        table.add(push.keys(), push.values()); // a view of the received frame: applied now, not kept
      }
      keysPushed.addAndGet(push.keys().length);
      reply.ok(new Ack());
    } else if (request instanceof Pull pull) {
      table(pull.table());
      int now;
      synchronized (clock) {
        now = clock.min();
        if (now < pull.minClock()) {
          held.add(new HeldPull(pull, reply));
          pullsHeld.incrementAndGet();
          return;
        }
      }
      answer(pull, reply, now);
    } else if (request instanceof Clock tick) {
      List<HeldPull> ready = new ArrayList<>();
      int now;
      synchronized (clock) {
        clock.advance(tick.worker(), tick.clock());
        now = clock.min();
        for (Iterator<HeldPull> it = held.iterator(); it.hasNext(); ) {
          HeldPull h = it.next();
          if (h.pull().minClock() <= now) {
            ready.add(h);
            it.remove();
          }
        }
      }
      reply.ok(new Ack());
      for (HeldPull h : ready) {
        answer(h.pull(), h.reply(), now);
      }
    } else if (request instanceof Progress p) {
      int workerClock;
      synchronized (clock) {
        workerClock = clock.of(p.worker());
      }
      reply.ok(new ProgressReply(ledger.last(p.worker()), workerClock));
    } else if (request instanceof ListKeys list) {
      KeyValueTable table = table(list.table());
      long[] keys;
      synchronized (table) {
        keys = table.keys();
      }
      reply.ok(new KeyList(keys));
    } else if (request instanceof CreateTable create) {
      UpdaterSpec spec = create.updater() == null ? UpdaterSpec.SUM : create.updater();
      KeyValueTable table = tables.computeIfAbsent(create.table(), t -> new KeyValueTable(create.width(), spec.create()));
      if (table.width() != create.width() || !table.updater().equals(spec.create())) {
        reply.error("table " + create.table() + " exists with width " + table.width() + " and updater "
            + table.updater() + ", not " + create.width() + " and " + spec.create());
      } else {
        reply.ok(new Ack());
      }
    } else {
      reply.error("a server does not handle " + request.getClass().getSimpleName());
    }
  }

  private void answer(Pull pull, Reply reply, int clockNow) {
    KeyValueTable table = table(pull.table());
    keysPulled.addAndGet(pull.keys().length);
    // The values are read when the answer is written: from the table straight into the frame.
    reply.ok(new PullAnswer(pull.keys().length * table.width(), clockNow, out -> {
      synchronized (table) {
        table.get(pull.keys(), out);
      }
    }));
  }

  /** The slowest worker's clock. */
  public int clock() {
    synchronized (clock) {
      return clock.min();
    }
  }

  /** Pulls that had to wait for slower workers, so far. */
  public long pullsHeld() {
    return pullsHeld.get();
  }

  /** Keys stored over all tables. */
  public long keys() {
    return tables.values().stream().mapToLong(KeyValueTable::size).sum();
  }

  public long keysPushed() {
    return keysPushed.get();
  }

  public long keysPulled() {
    return keysPulled.get();
  }

  /** Pushes dropped because their origin's sequence had been applied already (a replayed push). */
  public long pushesDropped() {
    return pushesDropped.get();
  }

  private KeyValueTable table(int id) {
    KeyValueTable table = tables.get(id);
    if (table == null) {
      throw new IllegalArgumentException("no table " + id + " on this server: create it first");
    }
    return table;
  }
}
