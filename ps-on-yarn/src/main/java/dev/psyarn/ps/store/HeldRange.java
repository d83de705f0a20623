package dev.psyarn.ps.store;

import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.update.Updater;
import dev.psyarn.ps.update.UpdaterSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A key range a server holds, its own or as a replica: its tables, and the replicas its pushes
 * are forwarded to. A table's values, push ledger and replicas are guarded by the table's lock.
 */
final class HeldRange {

  /** One table of the range: its values, push ledger and the replicas its pushes go to. */
  static final class Table {
    final KeyValueTable values;
    final UpdaterSpec spec;
    /** The app's own handle, which keeps the table's state instead of {@link #values}; null for a per-key rule. */
    final dev.psyarn.ps.api.ServerHandle handle;
    final PushLedger ledger = new PushLedger();
    /** Origins the old holders had applied to different points, after a change of layout; null for none. */
    SplitLedger split;
    final List<Replica> replicas;
    /** Pushes being added as their values arrive (see {@link #streamStarted}). */
    private int streaming;
    /** A copy waits for them: no more start. */
    private boolean quiescing;

    Table(int width, UpdaterSpec spec, List<Replica> replicas) {
      this.handle = spec.handle() ? spec.createHandle() : null;
      this.values = new KeyValueTable(width, handle == null ? spec.create() : Updater.SUM);
      this.spec = spec;
      this.replicas = new CopyOnWriteArrayList<>(replicas);
    }

    /** Applies a push, to the handle or the values (under the table's lock). */
    void add(long[] keys, java.nio.FloatBuffer pushed, boolean afterCut) {
      if (handle != null) {
        handle.push(keys, pushed.duplicate(), values.width());
      } else {
        values.add(keys, pushed, afterCut);
      }
    }

    /** Reads the values of {@code keys} into {@code out} (under the table's lock). */
    void get(long[] keys, java.nio.FloatBuffer out) {
      if (handle != null) {
        handle.pull(keys, out, values.width());
      } else {
        values.get(keys, out);
      }
    }

    /**
     * Whether a push may be added as its values arrive, rows at a time with the lock let go between
     * them: not while a copy waits for those under way (under the lock).
     */
    boolean streamsAllowed() {
      return !quiescing;
    }

    /** A push starts being added as it arrives (under the lock); {@link #streamEnded} once its last row is in, or it was cut off. */
    void streamStarted() {
      streaming++;
    }

    synchronized void streamEnded() {
      streaming--;
      notifyAll();
    }

    /**
     * Runs {@code copy} (under the lock) once no push is being added as it arrives, none starting
     * meanwhile (the lock is let go while it waits): a handover's copy has each push's rows all in
     * or none.
     */
    void quiesced(Runnable copy) throws InterruptedException {
      quiescing = true;
      try {
        while (streaming > 0) {
          wait();
        }
        copy.run();
      } finally {
        quiescing = false;
      }
    }

    /** The keys the table holds now, under its lock (which pushes to it hold). */
    synchronized long[] keys() {
      return values.keys();
    }
  }

  /** Another server a range's pushes are forwarded to, named by where it listens. */
  record Replica(String name, PeerChannel channel) {}

  /** The index of the server whose range this is. */
  final int index;
  final Map<Integer, Table> tables = new ConcurrentHashMap<>();
  /** The replicas of the range: tables created later start with them. */
  final List<Replica> replicas = new CopyOnWriteArrayList<>();
  private final int server;
  private final Creation onCreate;

  /** What is done with each table as it is created. */
  interface Creation {
    void created(HeldRange range, int id, Table table);
  }

  /** Range {@code index} on server {@code server}; {@code onCreate} sees each table as it is created. */
  HeldRange(int index, int server, Creation onCreate) {
    this.index = index;
    this.server = server;
    this.onCreate = onCreate;
  }

  /** Whether this is the server's own range (not a replica). */
  boolean own() {
    return index == server;
  }

  Table table(int id) {
    Table t = tables.get(id);
    if (t == null) {
      throw new IllegalArgumentException("no table " + id + " in range " + index + " on server " + server
          + ": create it first");
    }
    return t;
  }

  /** The table, created with this width and updater if it is not there. */
  Table create(int id, int width, UpdaterSpec spec) {
    return tables.computeIfAbsent(id, t -> {
      Table created = new Table(width, spec, replicas);
      onCreate.created(this, t, created);
      return created;
    });
  }

  /** Forwards the range's pushes to {@code replica} too, from the next one of each table. */
  void addReplica(Replica replica) {
    replicas.add(replica);
    for (Table t : tables.values()) {
      synchronized (t) {
        t.replicas.add(replica);
      }
    }
  }

  /** Whether a replica of this name is among the range's. */
  boolean hasReplica(String name) {
    return replicas.stream().anyMatch(r -> r.name().equals(name));
  }

  /**
   * The last push of {@code origin} every key of the range has: the highest its tables applied,
   * or, while a change of layout left it split, the lowest its old holders had (some keys still
   * lack the pushes after it), or the one before a push cut off mid-way.
   */
  long lastApplied(int origin) {
    long last = 0;
    long splitLow = Long.MAX_VALUE;
    for (Table t : tables.values()) {
      last = Math.max(last, t.ledger.last(origin));
      long torn = t.ledger.tornSeq(origin);
      if (torn > 0) {
        splitLow = Math.min(splitLow, torn - 1); // a push cut off mid-way is not in every key
      }
      synchronized (t) {
        long low = t.split == null ? -1 : t.split.lowest(origin);
        if (low >= 0) {
          splitLow = Math.min(splitLow, low);
        }
      }
    }
    return Math.min(last, splitLow);
  }

  /** Origins still split over the range's tables (see {@link SplitLedger}). */
  int splitOrigins() {
    int n = 0;
    for (Table t : tables.values()) {
      synchronized (t) {
        n += t.split == null ? 0 : t.split.origins();
      }
    }
    return n;
  }

  /** Keys over the range's tables. */
  long keys() {
    return tables.values().stream().mapToLong(t -> t.values.size()).sum();
  }
}
