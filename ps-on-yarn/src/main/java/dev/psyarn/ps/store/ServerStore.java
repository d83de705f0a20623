package dev.psyarn.ps.store;

import dev.psyarn.ps.transport.FrameView;
import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.transport.RequestHandler;
import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.wire.DataMessages.Ack;
import dev.psyarn.ps.wire.DataMessages.Clock;
import dev.psyarn.ps.wire.DataMessages.CreateTable;
import dev.psyarn.ps.wire.DataMessages.Handover;
import dev.psyarn.ps.wire.DataMessages.HandoverReply;
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
import dev.psyarn.ps.wire.DataMessages.Replicate;
import dev.psyarn.ps.worker.Partitioner;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's key ranges and its answers to data-plane requests. It holds its own range (the keys
 * the partitioner gives it) and, with replication k, the ranges of the k servers before it on the
 * ring, as their replica. Requests from different workers arrive on different I/O threads; each
 * table is guarded by its own lock (its values, push ledger and replica targets together), the
 * vector clock and the pulls it holds by the clock's.
 *
 * <p>Consistency: a pull names the minimum clock it needs; it is answered once every worker's
 * clock has reached it, so sequential, bounded-delay and eventual consistency are all just the
 * clock a worker asks for.
 *
 * <p>Replication (paper §4.3, chain replication after aggregation): a push a worker sends is
 * applied and, in the same order under the table's lock, forwarded to every replica of its range;
 * the worker's acknowledgement waits for theirs. Whichever holder a worker's push reaches acts for
 * the range, so when a server dies its successor serves its range at once. A replacement asks the
 * range's holders for a {@link Handover}: a copy of each table taken under its lock, after which
 * every push is forwarded to the replacement too.
 */
public final class ServerStore implements RequestHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ServerStore.class);

  /** Opens channels to the other servers, for replicas. */
  public interface Peers {
    PeerChannel connect(String host, int port) throws IOException;
  }

  /**
   * How a server's ranges are replicated.
   *
   * @param copies k: the servers after each range's own that hold it too (0: none)
   * @param partitioner the job's, to tell which range a request's keys are in
   * @param peers opens channels to the other servers
   */
  public record Replication(int copies, Partitioner partitioner, Peers peers) {

    public static final Replication NONE = new Replication(0, null, null);
  }

  /** One table of one range: its values, push ledger and the replicas its pushes go to. */
  private static final class Table {
    final KeyValueTable values;
    final UpdaterSpec spec;
    final PushLedger ledger = new PushLedger();
    final List<Target> targets;

    Table(int width, UpdaterSpec spec, List<Target> targets) {
      this.values = new KeyValueTable(width, spec.create());
      this.spec = spec;
      this.targets = new CopyOnWriteArrayList<>(targets);
    }
  }

  /** A replica a range's pushes are forwarded to. */
  private record Target(String name, PeerChannel channel) {}

  /** A key range this server holds. */
  private final class Range {
    final int index;
    final Map<Integer, Table> tables = new ConcurrentHashMap<>();
    /** The replicas of the range's tables to come. */
    final List<Target> targets = new CopyOnWriteArrayList<>();

    Range(int index) {
      this.index = index;
    }

    Table table(int id) {
      Table t = tables.get(id);
      if (t == null) {
        throw new IllegalArgumentException("no table " + id + " in range " + index + " on server " + server
            + ": create it first");
      }
      return t;
    }

    Table create(int id, int width, UpdaterSpec spec) {
      return tables.computeIfAbsent(id, t -> {
        Table created = new Table(width, spec, targets);
        InitialValues initial = initialValues.get(id);
        if (initial != null) {
          initial.putInto(created.values, this);
        }
        if (index == server && cutClock >= 0) {
          created.values.openCut();
          created.ledger.openCut();
        }
        return created;
      });
    }
  }

  private final Map<Integer, Range> ranges = new ConcurrentHashMap<>();
  /** Values tables start with when they are created (a warm start from a model), by table. */
  private final Map<Integer, InitialValues> initialValues = new ConcurrentHashMap<>();

  /** A model's keys and values, and the partitioner that says which of them a range holds. */
  private record InitialValues(long[] keys, float[] values, Partitioner partitioner) {

    void putInto(KeyValueTable table, Range range) {
      int width = table.width();
      if (values.length != (long) keys.length * width) {
        throw new IllegalArgumentException("the initial model has " + values.length / Math.max(1, keys.length)
            + " values a key; the table has " + width);
      }
      int n = 0;
      for (long key : keys) {
        n += partitioner == null || partitioner.serverOf(key) == range.index ? 1 : 0;
      }
      long[] mine = new long[n];
      float[] theirs = new float[n * width];
      for (int i = 0, j = 0; i < keys.length; i++) {
        if (partitioner == null || partitioner.serverOf(keys[i]) == range.index) {
          mine[j] = keys[i];
          System.arraycopy(values, i * width, theirs, j * width, width);
          j++;
        }
      }
      table.set(mine, theirs);
    }
  }
  private final Range own;
  private final VectorClock clock;
  private final List<HeldPull> held = new ArrayList<>();
  private final AtomicLong pullsHeld = new AtomicLong();
  private final AtomicLong keysPushed = new AtomicLong();
  private final AtomicLong keysPulled = new AtomicLong();
  private final AtomicLong pushesDropped = new AtomicLong();
  private final AtomicLong replicasLost = new AtomicLong();
  private final int workers;
  private final int server;
  private final int numServers;
  private final Replication replication;
  /** Checkpoints: a cut every this many clock ticks (0: none), and where the snapshots go. */
  private final int everyClocks;
  private final Consumer<ServerSnapshot> snapshots;
  /** The highest clock any worker reached, and whether the final snapshot was taken; the clock's lock. */
  private int lastClock = -1;
  private boolean finalTaken;
  /** The clock of the open cut, or -1; written under the clock's lock. */
  private volatile int cutClock = -1;
  /** Restores this server's ranges went through (carried in its snapshots); guarded by the clock's lock. */
  private final List<ServerSnapshot.Rollback> rollbacks = new ArrayList<>();
  /** Whether a restore waits for some worker's first push, to learn which of its pushes were lost. */
  private volatile boolean awaitingResume;
  /** Requests wait until the replicas are connected; in arrival order. */
  private final Object gate = new Object();
  private volatile boolean open;
  private final List<Map.Entry<Object, Reply>> waiting = new ArrayList<>();
  /** Arrays that hold a push's values until its replicas have them, reused: large pushes allocate none. */
  private final Copies copies = new Copies();
  private final ExecutorService handovers = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "psyarn-handover");
    t.setDaemon(true);
    return t;
  });

  private record HeldPull(Range range, Pull pull, Reply reply) {}

  /** A few arrays of the sizes large pushes need, lent while a push is forwarded. */
  private static final class Copies {
    private static final int SMALL = 1 << 14;
    private static final int KEPT = 8;
    private final java.util.ArrayDeque<float[]> free = new java.util.ArrayDeque<>();

    synchronized float[] borrow(int count) {
      if (count >= SMALL) {
        for (java.util.Iterator<float[]> it = free.iterator(); it.hasNext(); ) {
          float[] a = it.next();
          if (a.length >= count && a.length <= count * 2L) {
            it.remove();
            return a;
          }
        }
      }
      return new float[count];
    }

    synchronized void giveBack(float[] a) {
      if (a != null && a.length >= SMALL) {
        if (free.size() == KEPT) {
          free.pollFirst();
        }
        free.addLast(a);
      }
    }
  }

  /** A server for a job of one worker (tests, benchmarks). */
  public ServerStore() {
    this(1);
  }

  public ServerStore(int workers) {
    this(0, 1, workers, 0, snapshot -> {});
  }

  /** A server without replicas; see {@link #ServerStore(int, int, int, int, Consumer, Replication)}. */
  public ServerStore(int server, int numServers, int workers, int everyClocks, Consumer<ServerSnapshot> snapshots) {
    this(server, numServers, workers, everyClocks, snapshots, Replication.NONE);
  }

  /**
   * Server {@code server} of {@code numServers} for {@code workers} workers that hands a snapshot
   * of its own range to {@code snapshots} every {@code everyClocks} clock ticks (0: never): at each
   * clock {@code C} with {@code (C + 1) % everyClocks == 0} that no worker had passed when the
   * previous one was taken. The snapshot is consistent at {@code C} (every worker's pushes through
   * iteration C, none after) while training goes on: pushes from beyond the cut save the slots
   * they change first (see {@link KeyValueTable#add(long[], FloatBuffer, boolean)}). It is handed
   * over on the thread that brought the last worker's clock to C; write it elsewhere.
   *
   * <p>With replication, requests wait until {@link #replicateTo} has connected the replicas.
   */
  public ServerStore(int server, int numServers, int workers, int everyClocks, Consumer<ServerSnapshot> snapshots,
      Replication replication) {
    this.clock = new VectorClock(workers);
    this.workers = workers;
    this.server = server;
    this.numServers = numServers;
    this.everyClocks = everyClocks;
    this.snapshots = snapshots;
    this.replication = replication;
    this.own = new Range(server);
    ranges.put(server, own);
    for (int i = 1; i <= Math.min(replication.copies(), numServers - 1); i++) {
      int before = Math.floorMod(server - i, numServers);
      ranges.put(before, new Range(before));
    }
    this.open = replication.copies() == 0;
    if (everyClocks > 0) {
      synchronized (clock) {
        armNextCut();
      }
    }
  }

  /** The ranges this server holds: its own and those it is a replica of. */
  public List<Integer> ranges() {
    return List.copyOf(new TreeMap<>(ranges).keySet());
  }

  /**
   * Connects the replicas of every range this server holds (each range's other holders, by where
   * they listen) and opens the server to requests: {@code where[s]} is server s's address as
   * "host:port", null for one that is gone.
   */
  public void replicateTo(String[] where) throws IOException {
    Map<Integer, Target> peers = new TreeMap<>();
    for (Range r : ranges.values()) {
      for (int i = 0; i <= replication.copies(); i++) {
        int holder = (r.index + i) % numServers;
        if (holder == server || where[holder] == null) {
          continue;
        }
        Target t = peers.get(holder);
        if (t == null) {
          String[] hostPort = where[holder].split(":");
          t = new Target(where[holder], replication.peers().connect(hostPort[0], Integer.parseInt(hostPort[1])));
          peers.put(holder, t);
        }
        r.targets.add(t);
      }
    }
    openGate();
  }

  private void openGate() {
    synchronized (gate) {
      for (Map.Entry<Object, Reply> w : waiting) {
        dispatch(w.getKey(), w.getValue());
      }
      waiting.clear();
      open = true;
    }
  }

  @Override
  public void handle(Object request, Reply reply) {
    if (!open) {
      synchronized (gate) {
        if (!open) {
          waiting.add(Map.entry(request instanceof FrameView view ? view.detached() : request, reply));
          return;
        }
      }
    }
    dispatch(request, reply);
  }

  private void dispatch(Object request, Reply reply) {
    if (request instanceof Push push) {
      request = new ReceivedPush(push.table(), push.keys(), FloatBuffer.wrap(push.values()), push.origin(),
          push.seq()); // in-process
    }
    if (request instanceof ReceivedPush push) {
      push(push, reply);
    } else if (request instanceof Pull pull) {
      Range range = rangeOf(pull.keys());
      range.table(pull.table());
      int now;
      synchronized (clock) {
        now = clock.min();
        if (now < pull.minClock()) {
          held.add(new HeldPull(range, pull, reply));
          pullsHeld.incrementAndGet();
          return;
        }
      }
      answer(range, pull, reply, now);
    } else if (request instanceof Clock tick) {
      tick(tick, reply);
    } else if (request instanceof Replicate r) {
      replicated(r, reply);
    } else if (request instanceof Progress p) {
      Range range = range(p.range());
      long last = 0;
      for (Table t : range.tables.values()) {
        last = Math.max(last, t.ledger.last(p.worker()));
      }
      int workerClock;
      synchronized (clock) {
        workerClock = clock.of(p.worker());
      }
      reply.ok(new ProgressReply(last, workerClock));
    } else if (request instanceof Recovery) {
      reply.ok(recovery());
    } else if (request instanceof ListKeys list) {
      Table table = range(list.range()).table(list.table());
      long[] keys;
      synchronized (table) {
        keys = table.values.keys();
      }
      reply.ok(new KeyList(keys));
    } else if (request instanceof CreateTable create) {
      UpdaterSpec spec = create.updater() == null ? UpdaterSpec.SUM : create.updater();
      for (Range range : ranges.values()) {
        Table table = range.create(create.table(), create.width(), spec);
        if (table.values.width() != create.width() || !table.spec.create().equals(spec.create())) {
          reply.error("table " + create.table() + " exists with width " + table.values.width() + " and updater "
              + table.spec.type() + ", not " + create.width() + " and " + spec.type());
          return;
        }
      }
      reply.ok(new Ack());
    } else if (request instanceof Handover h) {
      handovers.execute(() -> handOver(h, reply));
    } else {
      reply.error("a server does not handle " + request.getClass().getSimpleName());
    }
  }

  private void push(ReceivedPush push, Reply reply) {
    Range range = rangeOf(push.keys());
    Table table = range.table(push.table());
    int cut = cutClock;
    // A worker's clock message follows its pushes on the same connection: once the server has
    // its clock at the cut, what it pushes belongs to later iterations.
    boolean afterCut = range == own && cut >= 0 && push.origin() >= 0 && push.origin() < workers
        && workerClock(push.origin()) >= cut;
    if (awaitingResume && range == own && push.origin() >= 0 && push.origin() < workers) {
      noteFirstPush(push.origin(), push.seq());
    }
    List<CompletableFuture<Object>> forwards = List.of();
    float[] copy = null;
    synchronized (table) {
      if (!table.ledger.firstTime(push.origin(), push.seq(), afterCut)) {
        pushesDropped.incrementAndGet();
        reply.ok(new Ack()); // applied before, from this origin: acknowledged, not applied again
        return;
      }
      int count = push.values().remaining();
      if (!table.targets.isEmpty()) {
        copy = copies.borrow(count);
        push.values().duplicate().get(copy, 0, count);
      }
      if (copy != null) {
        // Under the table's lock: every replica gets the table's pushes in the order applied here;
        // sent first, so the replicas apply while this server does.
        forwards = new ArrayList<>();
        Replicate r = new Replicate(range.index, push.table(), push.keys(), FloatBuffer.wrap(copy, 0, count),
            push.origin(), push.seq());
        for (Target t : table.targets) {
          forwards.add(t.channel().call(r).whenComplete((ok, failure) -> {
            if (failure != null) {
              lostReplica(range, table, t, failure);
            }
          }));
        }
      }
      table.values.add(push.keys(), push.values(), afterCut); // a view of the received frame: applied now, not kept
    }
    keysPushed.addAndGet(push.keys().length);
    if (forwards.isEmpty()) {
      reply.ok(new Ack());
    } else {
      // Acknowledged once every replica has it (a replica that is gone is dropped, not waited for).
      float[] lent = copy;
      CompletableFuture.allOf(forwards.stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
          .whenComplete((ok, e) -> {
            copies.giveBack(lent); // written to every replica: answered
            reply.ok(new Ack());
          });
    }
  }

  private void lostReplica(Range range, Table table, Target target, Throwable why) {
    if (table.targets.remove(target)) {
      range.targets.remove(target);
      replicasLost.incrementAndGet();
      LOG.warn("server {}: replica {} of range {} is gone ({}); going on without it", server, target.name(),
          range.index, why.toString());
    }
  }

  /** A push its range's holder forwarded: applied once, never forwarded again. */
  private void replicated(Replicate r, Reply reply) {
    Range range = ranges.get(r.range());
    if (range == null) {
      reply.error("server " + server + " holds no replica of range " + r.range());
      return;
    }
    Table table = range.table(r.table());
    synchronized (table) {
      if (table.ledger.firstTime(r.origin(), r.seq())) {
        table.values.add(r.keys(), r.values(), false); // a view of the received frame
      } else {
        pushesDropped.incrementAndGet();
      }
    }
    reply.ok(new Ack());
  }

  /**
   * A replacement asks for a range this server holds: each table is copied under its lock, with
   * its ledger, and from then on its pushes go to the replacement too.
   */
  private void handOver(Handover h, Reply reply) {
    Range range = ranges.get(h.range());
    if (range == null) {
      reply.error("server " + server + " holds no range " + h.range());
      return;
    }
    try {
      Target target = new Target(h.host() + ":" + h.port(), replication.peers().connect(h.host(), h.port()));
      List<ServerSnapshot.Table> images = new ArrayList<>();
      List<String> others = new ArrayList<>();
      for (Target t : range.targets) {
        others.add(t.name());
      }
      range.targets.add(target);
      for (Map.Entry<Integer, Table> e : new TreeMap<>(range.tables).entrySet()) {
        Table table = e.getValue();
        synchronized (table) {
          images.add(new ServerSnapshot.Table(e.getKey(), table.spec, table.values.copy(), table.ledger.copy()));
          table.targets.add(target);
        }
      }
      int[] clocks;
      synchronized (clock) {
        clocks = clock.snapshot();
      }
      ServerSnapshot s = new ServerSnapshot(h.range(), numServers, -1, clocks, List.of(), images);
      LOG.info("server {} handed range {} ({} keys) over to {}", server, h.range(), s.keys(), target.name());
      reply.ok(new HandoverReply(Checkpoints.encode(s), others.toArray(String[]::new)));
    } catch (IOException | RuntimeException e) {
      reply.error("server " + server + " cannot hand range " + h.range() + " over: " + e);
    }
  }

  /**
   * A replacement takes over a range handed over by its holder at {@code holder} ("host:port"):
   * the tables, their ledgers and the holder's clocks; from now on the range's pushes it receives
   * itself go to the holder and the holder's other replicas ({@code replicas}). Requests wait until
   * {@link #opened()} (the holder's forwards among them, so they apply after the copy).
   */
  public void takeOver(int index, ServerSnapshot snapshot, String holder, String[] replicas) throws IOException {
    Range range = range(index);
    for (ServerSnapshot.Table t : snapshot.tables()) {
      Table table = range.create(t.id(), t.image().width(), t.updater());
      synchronized (table) {
        table.values.load(t.image(), key -> true);
        table.ledger.restore(t.ledger());
      }
    }
    synchronized (clock) {
      for (int w = 0; w < Math.min(workers, snapshot.workerClocks().length); w++) {
        clock.advance(w, snapshot.workerClocks()[w]);
      }
    }
    List<String> addresses = new ArrayList<>(List.of(replicas));
    addresses.add(0, holder);
    for (String address : addresses) {
      if (range.targets.stream().noneMatch(t -> t.name().equals(address))) {
        String[] hostPort = address.split(":");
        try {
          Target t = new Target(address, replication.peers().connect(hostPort[0], Integer.parseInt(hostPort[1])));
          range.targets.add(t);
          range.tables.values().forEach(table -> table.targets.add(t));
        } catch (IOException e) {
          LOG.warn("server {}: replica {} of range {} cannot be reached ({}); going on without it", server, address,
              index, e.toString());
        }
      }
    }
  }

  /** Opens a replacement to requests once it has taken over its ranges. */
  public void opened() {
    openGate();
  }

  /**
   * Table {@code table} starts with these values ({@code width} floats a key, the table's) for the
   * keys of the ranges this server holds ({@code partitioner} says which; null: all of them),
   * put through its updater when it is created: a warm start from a model file.
   */
  public void initialValues(int table, long[] keys, float[] values, Partitioner partitioner) {
    initialValues.put(table, new InitialValues(keys, values, partitioner));
  }

  /** Replicas that dropped out since the start (a server lost). */
  public long replicasLost() {
    return replicasLost.get();
  }

  private void tick(Clock tick, Reply reply) {
    if (tick.worker() < 0) {
      reply.ok(new Ack()); // a probe: a worker's link asks whether the server answers
      return;
    }
    List<HeldPull> ready = new ArrayList<>();
    int now;
    synchronized (clock) {
      noteResumed(tick.worker(), tick.clock());
      clock.advance(tick.worker(), tick.clock());
      now = clock.min();
      if (tick.clock() != Integer.MAX_VALUE) {
        lastClock = Math.max(lastClock, tick.clock());
      }
      if (cutClock >= 0 && now >= cutClock && (now != Integer.MAX_VALUE || lastClock >= cutClock)) {
        takeSnapshot(); // (not when every worker finished short of the cut: the final snapshot is next)
      }
      if (now == Integer.MAX_VALUE && everyClocks > 0 && !finalTaken && lastClock >= 0) {
        // Every worker is done: the last checkpoint is the final state, at the last clock reached.
        finalTaken = true;
        cutClock = lastClock;
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
      answer(h.range(), h.pull(), h.reply(), now);
    }
  }

  private RecoveryReply recovery() {
    List<ServerSnapshot.Rollback> done;
    synchronized (clock) {
      done = copyOfRollbacks();
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
    return new RecoveryReply(restored, resumed, restoredSeqs, resumedSeqs);
  }

  /** The range a request's keys are in (all of them: a worker splits its requests by range). */
  private Range rangeOf(long[] keys) {
    if (ranges.size() == 1 || keys.length == 0) {
      return own;
    }
    return range(replication.partitioner().serverOf(keys[0]));
  }

  private Range range(int index) {
    if (index < 0 || ranges.size() == 1) {
      return own; // a server without replicas holds one range, whatever its index
    }
    Range range = ranges.get(index);
    if (range == null) {
      throw new IllegalArgumentException("server " + server + " holds no range " + index + "; it holds "
          + ranges() + " (a worker's view of the servers is out of date)");
    }
    return range;
  }

  private void answer(Range range, Pull pull, Reply reply, int clockNow) {
    Table table = range.table(pull.table());
    keysPulled.addAndGet(pull.keys().length);
    // The values are read when the answer is written: from the table straight into the frame.
    reply.ok(new PullAnswer(pull.keys().length * table.values.width(), clockNow, out -> {
      synchronized (table) {
        table.values.get(pull.keys(), out);
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
    for (Table table : own.tables.values()) {
      synchronized (table) {
        table.values.openCut();
        table.ledger.openCut();
      }
    }
    cutClock = next;
  }

  /** Every worker has reached the cut: copies each table as it stood there, hands the snapshot over, arms the next. */
  private void takeSnapshot() {
    int at = cutClock;
    List<ServerSnapshot.Table> images = new ArrayList<>();
    for (Map.Entry<Integer, Table> e : new TreeMap<>(own.tables).entrySet()) {
      Table table = e.getValue();
      synchronized (table) {
        images.add(new ServerSnapshot.Table(e.getKey(), table.spec, table.values.image(), table.ledger.closeCut()));
      }
    }
    int[] clocks = clock.snapshot();
    for (int w = 0; w < clocks.length; w++) {
      clocks[w] = clocks[w] == Integer.MAX_VALUE ? clocks[w] : Math.min(clocks[w], at);
    }
    ServerSnapshot snapshot = new ServerSnapshot(server, numServers, at, clocks, copyOfRollbacks(), images);
    armNextCut();
    snapshots.accept(snapshot);
  }

  private List<ServerSnapshot.Rollback> copyOfRollbacks() {
    return rollbacks.stream().map(ServerSnapshot.Rollback::copy).toList();
  }

  /**
   * Takes over a snapshot's tables, ledgers and clocks into this server's own range, keeping the
   * keys {@code keep} accepts: a replacement restoring its range (every key), or a warm start from
   * a checkpoint written by any number of servers (the keys this server owns now). A restore of
   * this server's own range ({@code rollback}) records how far each worker had come, from the
   * first push and clock it sends.
   */
  public void restore(ServerSnapshot snapshot, LongPredicate keep, boolean rollback) {
    for (ServerSnapshot.Table t : snapshot.tables()) {
      Table table = own.create(t.id(), t.image().width(), t.updater());
      synchronized (table) {
        table.values.load(t.image(), keep);
        if (rollback) {
          table.ledger.restore(t.ledger());
        }
      }
    }
    if (!rollback) {
      return;
    }
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
        for (ServerSnapshot.Table t : snapshot.tables()) {
          restoredSeqs[w] = Math.max(restoredSeqs[w], t.ledger().getOrDefault(w, 0L));
        }
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

  /** The restores this server's range went through, oldest first (copies). */
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

  /** Keys stored in this server's own range, over all tables. */
  public long keys() {
    return own.tables.values().stream().mapToLong(t -> t.values.size()).sum();
  }

  /** Keys stored as a replica of other servers' ranges. */
  public long replicaKeys() {
    return ranges.values().stream().filter(r -> r != own)
        .flatMap(r -> r.tables.values().stream()).mapToLong(t -> t.values.size()).sum();
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
}
