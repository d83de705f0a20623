package dev.psyarn.ps.store;

import dev.psyarn.ps.transport.FrameView;
import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.transport.RequestHandler;
import dev.psyarn.ps.wire.DataMessages.Ack;
import dev.psyarn.ps.wire.DataMessages.Clock;
import dev.psyarn.ps.wire.DataMessages.CreateTable;
import dev.psyarn.ps.wire.DataMessages.Fetch;
import dev.psyarn.ps.wire.DataMessages.FetchReply;
import dev.psyarn.ps.wire.DataMessages.Handover;
import dev.psyarn.ps.wire.DataMessages.KeyList;
import dev.psyarn.ps.wire.DataMessages.ListKeys;
import dev.psyarn.ps.wire.DataMessages.Progress;
import dev.psyarn.ps.wire.DataMessages.ProgressReply;
import dev.psyarn.ps.wire.DataMessages.Pull;
import dev.psyarn.ps.wire.DataMessages.Push;
import dev.psyarn.ps.wire.DataMessages.ReceivedPush;
import dev.psyarn.ps.wire.DataMessages.Recovery;
import dev.psyarn.ps.wire.DataMessages.Replicate;
import dev.psyarn.ps.wire.DataMessages.StreamedPush;
import dev.psyarn.ps.worker.Partitioner;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * A server's key ranges and its answers to data-plane requests. It holds its own range (the keys
 * the partitioner gives it) and, with replication k, the ranges of the k servers before it on the
 * ring, as their replica. Requests from different workers arrive on different I/O threads; each
 * table is guarded by its own lock (its values, push ledger and replica targets together), the
 * vector clock and the pulls it holds by the clock's.
 *
 * <p>Consistency: a pull names the minimum clock it needs; it is answered once every worker's
 * clock has reached it, so sequential, bounded-delay and eventual consistency are all just the
 * clock a worker asks for ({@link Pulls}). Pushes are applied once each ({@link Pushes}).
 *
 * <p>Replication (paper §4.3, chain replication after aggregation): a push a worker sends is
 * applied and, in the same order under the table's lock, forwarded to every replica of its range;
 * the worker's acknowledgement waits for theirs. Whichever holder a worker's push reaches acts for
 * the range, so when a server dies its successor serves its range at once. A replacement asks the
 * range's holders for a {@link Handover}: a copy of each table taken under its lock, after which
 * every push is forwarded to the replacement too.
 */
public final class ServerStore implements RequestHandler {

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

  private final Map<Integer, HeldRange> ranges = new ConcurrentHashMap<>();
  /** Values tables start with when they are created (a warm start from a model), by table. */
  private final Map<Integer, InitialValues> initialValues = new ConcurrentHashMap<>();
  private final HeldRange own;
  private final VectorClock clock;
  private final Pulls pulls;
  private final int workers;
  private final int server;
  private final int numServers;
  private final Replication replication;
  /** Checkpoints of the own range; confined to the clock's lock. */
  private final CheckpointCuts cuts;
  private final RestoreLog restores;
  /** Requests wait until the replicas are connected; in arrival order. */
  private final Object gate = new Object();
  private volatile boolean open;
  private final List<Map.Entry<Object, Reply>> waiting = new ArrayList<>();
  private final Replicas replicas;
  private final Pushes pushes;
  private final ExecutorService handovers = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "psyarn-handover");
    t.setDaemon(true);
    return t;
  });

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
   * of its own range to {@code snapshots} every {@code everyClocks} clock ticks (0: never;
   * {@link #CUT_ON_REQUEST}: at the clocks the AM asks for, see {@link #cutRequests}): at each
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
    this.pulls = new Pulls(clock);
    this.workers = workers;
    this.server = server;
    this.numServers = numServers;
    this.replication = replication;
    this.own = new HeldRange(server, server, this::created);
    ranges.put(server, own);
    for (int i = 1; i <= Math.min(replication.copies(), numServers - 1); i++) {
      int before = Math.floorMod(server - i, numServers);
      ranges.put(before, new HeldRange(before, server, this::created));
    }
    this.open = replication.copies() == 0;
    LentArrays lent = new LentArrays();
    this.replicas = new Replicas(server, numServers, replication, ranges, lent);
    this.restores = new RestoreLog(workers);
    this.cuts = new CheckpointCuts(everyClocks, snapshots, server, numServers, own, restores);
    this.pushes = new Pushes(server, own, ranges, this::rangeOf, this::afterCut, restores, replicas, this::handle, lent);
    synchronized (clock) {
      cuts.arm(clock);
    }
  }

  /** A table was created in a range: it starts with a warm start's values and takes part in an open cut. */
  private void created(HeldRange range, int id, HeldRange.Table table) {
    InitialValues initial = initialValues.get(id);
    if (initial != null) {
      initial.putInto(table.values, range.index);
    }
    cuts.created(range, table);
  }

  /** The ranges this server holds: its own and those it is a replica of. */
  public List<Integer> ranges() {
    return List.copyOf(new java.util.TreeSet<>(ranges.keySet()));
  }

  /**
   * Connects the replicas of every range this server holds (each range's other holders, by where
   * they listen) and opens the server to requests: {@code where[s]} is server s's address as
   * "host:port", null for one that is gone.
   */
  public void replicateTo(String[] where) throws IOException {
    replicas.connectAll(where);
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
    if (!open && !(request instanceof StreamedPush)) {
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
    if (request instanceof StreamedPush push) {
      pushes.streamed(push, reply, open);
      return;
    }
    if (request instanceof Push push) {
      request = new ReceivedPush(push.table(), push.keys(), FloatBuffer.wrap(push.values()), push.origin(),
          push.seq()); // in-process
    }
    if (request instanceof ReceivedPush push) {
      pushes.whole(push, reply, null);
    } else if (request instanceof Pull pull) {
      pulls.pull(rangeOf(pull.keys()), pull, reply);
    } else if (request instanceof Clock tick) {
      tick(tick, reply);
    } else if (request instanceof Replicate r) {
      pushes.replicated(r, reply);
    } else if (request instanceof Progress p) {
      long last = range(p.range()).lastApplied(p.worker());
      int workerClock;
      synchronized (clock) {
        workerClock = clock.of(p.worker());
      }
      reply.ok(new ProgressReply(last, workerClock));
    } else if (request instanceof Recovery) {
      reply.ok(restores.reply());
    } else if (request instanceof ListKeys list) {
      reply.ok(new KeyList(range(list.range()).table(list.table()).keys()));
    } else if (request instanceof CreateTable create) {
      TableCreation.refusal(ranges.values(), create, cuts.enabled()).ifPresentOrElse(reply::error,
          () -> reply.ok(new Ack()));
    } else if (request instanceof Handover h) {
      handovers.execute(() -> handOver(h, reply));
    } else if (request instanceof Fetch f) {
      handovers.execute(() -> {
        try {
          reply.ok(new FetchReply(Checkpoints.encode(fetch(f))));
        } catch (RuntimeException e) {
          reply.error("server " + server + " cannot give the keys of range " + f.range() + " for range " + f.target()
              + " of " + f.numServers() + " servers: " + e.getMessage());
        }
      });
    } else {
      reply.error("a server does not handle " + request.getClass().getSimpleName());
    }
  }

  // A worker's clock message follows its pushes on the same connection: once the server has its
  // clock at the cut, what it pushes belongs to later iterations.
  private boolean afterCut(HeldRange range, int origin) {
    int cut = cuts.cut();
    return range == own && cut >= 0 && origin >= 0 && origin < workers && workerClock(origin) >= cut;
  }

  /**
   * A replacement asks for a range this server holds: each table is copied under its lock, with
   * its ledger, and from then on its pushes go to the replacement too.
   */
  private void handOver(Handover h, Reply reply) {
    try {
      int[] clocks;
      synchronized (clock) {
        clocks = clock.snapshot();
      }
      reply.ok(replicas.handOver(h, clocks));
    } catch (IOException | RuntimeException e) {
      reply.error("server " + server + " cannot hand range " + h.range() + " over: " + e);
    }
  }

  /**
   * A replacement takes over a range handed over by its holder at {@code holder} ("host:port"):
   * the tables, their ledgers and the holder's clocks; from now on the range's pushes it receives
   * itself go to the holder and the holder's other replicas ({@code others}). Requests wait until
   * {@link #opened()} (the holder's forwards among them, so they apply after the copy).
   */
  public void takeOver(int index, ServerSnapshot snapshot, String holder, String[] others) {
    replicas.takeOver(range(index), snapshot, holder, others);
    synchronized (clock) {
      for (int w = 0; w < Math.min(workers, snapshot.workerClocks().length); w++) {
        clock.advance(w, snapshot.workerClocks()[w]);
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

  /** Whether this server holds range {@code index} (its own, or as a replica). */
  public boolean holds(int index) {
    return ranges.containsKey(index);
  }

  /**
   * The keys of range {@code f.range()} held here that range {@code f.target()} of the new layout
   * takes (server flex): each table copied under its lock, with its ledger, and the workers'
   * clocks. Asked only while no worker sends pushes, so every holder's copy is the same.
   */
  public ServerSnapshot fetch(Fetch f) {
    HeldRange range = ranges.get(f.range());
    if (range == null) {
      throw new IllegalArgumentException("server " + server + " holds no range " + f.range() + "; it holds " + ranges());
    }
    range.tables.forEach((id, table) -> {
      if (table.handle != null) {
        throw new IllegalArgumentException("table " + id + " is kept by the app's server handle " + table.spec.type()
            + ", whose state psyarn cannot move to another server: this job's servers cannot be flexed");
      }
    });
    Partitioner next = Partitioner.create(f.partitioner(), f.numServers(), f.virtualNodes());
    int target = f.target();
    int[] clocks;
    synchronized (clock) {
      clocks = clock.snapshot();
    }
    return RangeTransfer.copyOut(range, key -> next.serverOf(key) == target, clocks, numServers);
  }

  /**
   * Takes in the keys of range {@code index} fetched from the old layout's holders
   * ({@code fetched}: old range to what its holder gave; {@code before}: the old layout's
   * partitioner), for a change of layout (server flex): each table created as it was, its keys
   * loaded, its ledger the highest push of each origin, and where the old holders had applied an
   * origin to different points (a push cut short by a worker's death), a {@link SplitLedger}; the
   * workers' clocks.
   */
  public void absorb(int index, Map<Integer, ServerSnapshot> fetched, Partitioner before) {
    RangeTransfer.takeIn(range(index), fetched, before);
    synchronized (clock) {
      for (ServerSnapshot from : fetched.values()) {
        for (int w = 0; w < Math.min(workers, from.workerClocks().length); w++) {
          clock.advance(w, from.workerClocks()[w]);
        }
      }
      cuts.arm(clock);
    }
  }

  /** Origins whose pushes the old holders of a range had applied to different points, not yet pushed past. */
  public int splitOrigins() {
    return ranges.values().stream().mapToInt(HeldRange::splitOrigins).sum();
  }

  /**
   * The servers changed layout: pulls held here for slower workers are given back (the workers
   * send them again to the new layout's servers), and the channels to replicas closed.
   */
  public void retire() {
    pulls.giveBack();
    replicas.close();
    handovers.shutdown();
  }

  /** Replicas that dropped out since the start (a server lost). */
  public long replicasLost() {
    return replicas.lost();
  }

  private void tick(Clock tick, Reply reply) {
    if (tick.worker() < 0 || tick.worker() >= workers) {
      // A probe (a worker's link asks whether the server answers), or a worker added by flex:
      // the vector clock counts the job's workers, and flexed jobs hand out pieces, not clocks.
      reply.ok(new Ack());
      return;
    }
    restores.clocked(tick.worker(), tick.clock());
    Pulls.Released ready;
    synchronized (clock) {
      clock.advance(tick.worker(), tick.clock());
      int now = clock.min();
      cuts.ticked(clock, tick.clock(), now);
      ready = pulls.release(now);
    }
    reply.ok(new Ack());
    ready.answer();
  }

  /** The range a request's keys are in (all of them: a worker splits its requests by range). */
  private HeldRange rangeOf(long[] keys) {
    if (ranges.size() == 1 || keys.length == 0) {
      return own;
    }
    return range(replication.partitioner().serverOf(keys[0]));
  }

  private HeldRange range(int index) {
    if (index < 0 || ranges.size() == 1) {
      return own; // a server without replicas holds one range, whatever its index
    }
    HeldRange range = ranges.get(index);
    if (range == null) {
      throw new IllegalArgumentException("server " + server + " holds no range " + index + "; it holds "
          + ranges() + " (a worker's view of the servers is out of date)");
    }
    return range;
  }

  private int workerClock(int worker) {
    synchronized (clock) {
      return clock.of(worker);
    }
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
      HeldRange.Table table = own.create(t.id(), t.image().width(), t.updater());
      synchronized (table) {
        table.values.load(t.image(), keep);
        if (rollback) {
          table.ledger.restore(t.ledger(), t.torn()); // a push cut off mid-way: its replay adds the rest
        }
      }
    }
    if (!rollback) {
      return;
    }
    restores.restored(snapshot);
    synchronized (clock) {
      for (int w = 0; w < Math.min(workers, snapshot.workerClocks().length); w++) {
        clock.advance(w, snapshot.workerClocks()[w]);
      }
      cuts.arm(clock);
    }
  }

  /** The restores this server's range went through, oldest first (copies). */
  public List<ServerSnapshot.Rollback> rollbacks() {
    return restores.copy();
  }

  /** The slowest worker's clock. */
  public int clock() {
    synchronized (clock) {
      return clock.min();
    }
  }

  /** {@code everyClocks} for a server that cuts checkpoints only when the AM asks ({@link CutRequests}). */
  public static final int CUT_ON_REQUEST = CheckpointCuts.ON_REQUEST;

  /** Checkpoint cuts at the clocks the AM asks for (checkpoints every so many seconds). */
  public CutRequests cutRequests() { // a view: the cuts stay confined to the clock's lock
    return new CutRequests(clock, cuts);
  }

  /** Pulls that had to wait for slower workers, so far. */
  public long pullsHeld() {
    return pulls.everHeld.get();
  }

  /** Keys stored in this server's own range, over all tables. */
  public long keys() {
    return own.keys();
  }

  /** Keys stored as a replica of other servers' ranges. */
  public long replicaKeys() {
    return ranges.values().stream().filter(r -> r != own).mapToLong(HeldRange::keys).sum();
  }

  public long keysPushed() {
    return pushes.keysPushed.get();
  }

  public long keysPulled() {
    return pulls.keysPulled.get();
  }

  /** Pushes dropped because their origin's sequence had been applied already (a replayed push). */
  public long pushesDropped() {
    return pushes.dropped.get();
  }

  /** Pushes whose connection was lost while their values arrived (applied in part; a replay adds the rest). */
  public long pushesCutOff() {
    return pushes.cutOff.get();
  }
}
