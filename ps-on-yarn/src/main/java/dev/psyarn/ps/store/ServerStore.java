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
import dev.psyarn.ps.wire.DataMessages.Recovery;
import dev.psyarn.ps.wire.DataMessages.RecoveryReply;
import java.util.function.Consumer;
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
  private final Map<Integer, UpdaterSpec> updaters = new ConcurrentHashMap<>();
  private final int workers;
  private final int server;
  private final int numServers;
  /** Checkpoints: a cut every this many clock ticks (0: none), and where the snapshots go. */
  private final int everyClocks;
  private final Consumer<ServerSnapshot> snapshots;
  /** The clock of the open cut, or -1; written under the clock's lock. */
  private volatile int cutClock = -1;
  /** Restores this server's ranges went through (carried in its snapshots); guarded by the clock's lock. */
  private final List<ServerSnapshot.Rollback> rollbacks = new ArrayList<>();
  /** Whether a restore waits for some worker's first push, to learn which of its pushes were lost. */
  private volatile boolean awaitingResume;

  private record HeldPull(Pull pull, Reply reply) {}

  /** A server for a job of one worker (tests, benchmarks). */
  public ServerStore() {
    this(1);
  }

  public ServerStore(int workers) {
    this(0, 1, workers, 0, snapshot -> {});
  }

  /**
   * Server {@code server} of {@code numServers} for {@code workers} workers that hands a snapshot
   * of its ranges to {@code snapshots} every {@code everyClocks} clock ticks (0: never): at each
   * clock {@code C} with {@code (C + 1) % everyClocks == 0} that no worker had passed when the
   * previous one was taken. The snapshot is consistent at {@code C} (every worker's pushes through
   * iteration C, none after) while training goes on: pushes from beyond the cut save the slots
   * they change first (see {@link KeyValueTable#add(long[], FloatBuffer, boolean)}). It is handed
   * over on the thread that brought the last worker's clock to C; write it elsewhere.
   */
  public ServerStore(int server, int numServers, int workers, int everyClocks, Consumer<ServerSnapshot> snapshots) {
    this.clock = new VectorClock(workers);
    this.workers = workers;
    this.server = server;
    this.numServers = numServers;
    this.everyClocks = everyClocks;
    this.snapshots = snapshots;
    if (everyClocks > 0) {
      synchronized (clock) {
        armNextCut();
      }
    }
  }

  @Override
  public void handle(Object request, Reply reply) {
    if (request instanceof Push push) {
      request = new ReceivedPush(push.table(), push.keys(), FloatBuffer.wrap(push.values()), push.origin(),
          push.seq()); // in-process
    }
    if (request instanceof ReceivedPush push) {
      KeyValueTable table = table(push.table());
      int cut = cutClock;
      // A worker's clock message follows its pushes on the same connection: once the server has
      // its clock at the cut, what it pushes belongs to later iterations.
      boolean afterCut = cut >= 0 && push.origin() >= 0 && push.origin() < workers && workerClock(push.origin()) >= cut;
      if (awaitingResume && push.origin() >= 0 && push.origin() < workers) {
        noteFirstPush(push.origin(), push.seq());
      }
      if (!ledger.firstTime(push.origin(), push.seq(), afterCut)) {
        pushesDropped.incrementAndGet();
        reply.ok(new Ack()); // applied before, from this origin: acknowledged, not applied again
        return;
      }
      synchronized (table) {
        table.add(push.keys(), push.values(), afterCut); // a view of the received frame: applied now, not kept
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
        noteResumed(tick.worker(), tick.clock());
        clock.advance(tick.worker(), tick.clock());
        now = clock.min();
        if (cutClock >= 0 && now >= cutClock) {
          takeSnapshot();
        }
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
    } else if (request instanceof Recovery) {
      List<ServerSnapshot.Rollback> done;
      synchronized (clock) {
        done = List.copyOf(rollbacks);
      }
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
      reply.ok(new RecoveryReply(restored, resumed, restoredSeqs, resumedSeqs));
    } else if (request instanceof ListKeys list) {
      KeyValueTable table = table(list.table());
      long[] keys;
      synchronized (table) {
        keys = table.keys();
      }
      reply.ok(new KeyList(keys));
    } else if (request instanceof CreateTable create) {
      UpdaterSpec spec = create.updater() == null ? UpdaterSpec.SUM : create.updater();
      KeyValueTable table = tables.computeIfAbsent(create.table(), t -> {
        KeyValueTable created = new KeyValueTable(create.width(), spec.create());
        updaters.put(t, spec);
        if (cutClock >= 0) {
          created.openCut();
        }
        return created;
      });
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

  private int workerClock(int worker) {
    synchronized (clock) {
      return clock.of(worker);
    }
  }

  /**
   * Opens the cut at the next checkpoint clock that no worker has passed: the first
   * {@code C = k * everyClocks - 1} above every worker's clock. None once every worker is done.
   */
  private void armNextCut() {
    int most = -1;
    boolean running = false;
    for (int c : clock.snapshot()) {
      if (c != Integer.MAX_VALUE) {
        most = Math.max(most, c);
        running = true;
      }
    }
    if (!running) {
      cutClock = -1;
      return;
    }
    int next = (most + 1) / everyClocks * everyClocks + everyClocks - 1;
    ledger.openCut();
    for (KeyValueTable table : tables.values()) {
      synchronized (table) {
        table.openCut();
      }
    }
    cutClock = next;
  }

  /** Every worker has reached the cut: copies each table as it stood there, hands the snapshot over, arms the next. */
  private void takeSnapshot() {
    int at = cutClock;
    List<ServerSnapshot.Table> images = new ArrayList<>();
    for (Map.Entry<Integer, KeyValueTable> e : new java.util.TreeMap<>(tables).entrySet()) {
      KeyValueTable table = e.getValue();
      synchronized (table) {
        images.add(new ServerSnapshot.Table(e.getKey(), updaters.get(e.getKey()), table.image()));
      }
    }
    int[] clocks = clock.snapshot();
    for (int w = 0; w < clocks.length; w++) {
      clocks[w] = clocks[w] == Integer.MAX_VALUE ? clocks[w] : Math.min(clocks[w], at);
    }
    ServerSnapshot snapshot = new ServerSnapshot(server, numServers, at, clocks, ledger.closeCut(),
        copyOfRollbacks(), images);
    armNextCut();
    snapshots.accept(snapshot);
  }

  private List<ServerSnapshot.Rollback> copyOfRollbacks() {
    return rollbacks.stream().map(ServerSnapshot.Rollback::copy).toList();
  }

  /**
   * Takes over a snapshot's tables, ledger and clocks, keeping the keys {@code keep} accepts: a
   * replacement restoring its ranges (every key), or a warm start from a checkpoint written by any
   * number of servers (the keys this server owns now). A restore of this server's own ranges
   * ({@code rollback}) records how far each worker had come, from the first clock it sends.
   */
  public void restore(ServerSnapshot snapshot, java.util.function.LongPredicate keep, boolean rollback) {
    for (ServerSnapshot.Table t : snapshot.tables()) {
      UpdaterSpec spec = t.updater();
      KeyValueTable table = tables.computeIfAbsent(t.id(), id -> {
        updaters.put(id, spec);
        return new KeyValueTable(t.image().width(), spec.create());
      });
      synchronized (table) {
        table.load(t.image(), keep);
      }
    }
    if (!rollback) {
      return;
    }
    ledger.restore(snapshot.ledger());
    synchronized (clock) {
      for (int w = 0; w < Math.min(workers, snapshot.workerClocks().length); w++) {
        clock.advance(w, snapshot.workerClocks()[w]);
      }
      rollbacks.clear();
      rollbacks.addAll(snapshot.rollbacks());
      int[] resumed = new int[workers];
      java.util.Arrays.fill(resumed, -1);
      long[] restoredSeqs = new long[workers];
      long[] resumedSeqs = new long[workers];
      for (int w = 0; w < workers; w++) {
        restoredSeqs[w] = snapshot.ledger().getOrDefault(w, 0L);
        resumedSeqs[w] = -1;
      }
      rollbacks.add(new ServerSnapshot.Rollback(snapshot.clock(), resumed, restoredSeqs, resumedSeqs));
      awaitingResume = true;
      if (everyClocks > 0) {
        armNextCut();
      }
    }
  }

  /** The first push each worker sends after a restore says which of its pushes were lost. */
  private void noteFirstPush(int worker, long seq) {
    synchronized (clock) {
      ServerSnapshot.Rollback last = rollbacks.get(rollbacks.size() - 1);
      if (last.resumedSeqs()[worker] < 0 && seq > last.restoredSeqs()[worker]) { // not a replay the checkpoint has
        last.resumedSeqs()[worker] = seq;
        boolean all = true;
        for (long s : last.resumedSeqs()) {
          all &= s >= 0;
        }
        awaitingResume = !all;
      }
    }
  }

  /** The first clock a worker sends after a restore says how far it had come. Clock's lock held. */
  private void noteResumed(int worker, int tick) {
    if (!rollbacks.isEmpty() && worker >= 0 && worker < workers) {
      ServerSnapshot.Rollback last = rollbacks.get(rollbacks.size() - 1);
      if (last.resumedClocks()[worker] < 0) {
        last.resumedClocks()[worker] = Math.max(tick, last.restoredClock());
      }
    }
  }

  /** Puts a model's values into a table, as fresh keys (a warm start); keys {@code keep} rejects are skipped. */
  public void preload(int tableId, int width, UpdaterSpec spec, long[] keys, float[] values,
      java.util.function.LongPredicate keep) {
    KeyValueTable table = tables.computeIfAbsent(tableId, id -> {
      updaters.put(id, spec);
      return new KeyValueTable(width, spec.create());
    });
    int kept = 0;
    for (long key : keys) {
      if (keep.test(key)) {
        kept++;
      }
    }
    long[] mine = new long[kept];
    float[] theirs = new float[kept * width];
    for (int i = 0, j = 0; i < keys.length; i++) {
      if (keep.test(keys[i])) {
        mine[j] = keys[i];
        System.arraycopy(values, i * width, theirs, j * width, width);
        j++;
      }
    }
    synchronized (table) {
      table.set(mine, theirs);
    }
  }

  /** The restores this server's ranges went through, oldest first (copies). */
  public List<ServerSnapshot.Rollback> rollbacks() {
    synchronized (clock) {
      return copyOfRollbacks();
    }
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
