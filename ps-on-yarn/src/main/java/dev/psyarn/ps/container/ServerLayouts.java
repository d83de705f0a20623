package dev.psyarn.ps.container;

import dev.psyarn.ps.store.Checkpoints;
import dev.psyarn.ps.store.ServerSnapshot;
import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.transport.RequestHandler;
import dev.psyarn.ps.wire.ControlMessages.ServerInfo;
import dev.psyarn.ps.wire.ControlMessages.ViewChange;
import dev.psyarn.ps.wire.DataMessages.Fetch;
import dev.psyarn.ps.wire.DataMessages.FetchReply;
import dev.psyarn.ps.worker.Partitioner;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store a server serves, and its changes of layout when the job's servers are flexed. The
 * AM's heartbeat answers drive a change once every worker is quiescent: {@code PREPARE} builds
 * the store of the new layout beside the one serving (for each range the server holds in the new
 * layout, the keys of every old range that move into it: from its own store where it holds that
 * old range, else fetched from the old range's holder, which copies them under each table's
 * lock); {@code COMMIT} serves the new store and retires the old one (its held pulls are given
 * back, to be sent again by the new layout). A server of the old layout beyond the new one's
 * count only gives its keys; a server that joins starts with nothing and only takes. The
 * heartbeat metrics {@code view.prepared} and {@code view.committed} tell the AM how far it is.
 */
final class ServerLayouts implements RequestHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ServerLayouts.class);

  /** Makes this server's store for a layout of {@code numServers} servers. */
  interface Stores {
    ServerStore create(int numServers);
  }

  /** Opens a data-plane channel to another server. */
  interface Peers {
    PeerChannel connect(String host, int port) throws IOException;
  }

  private final int index;
  private final Stores stores;
  private final Peers peers;
  private final String partitioner;
  private final int virtualNodes;
  private final boolean replicated;
  private volatile ServerStore current;
  /** Whether {@link #current} holds keys of the layout in force (a server that joins holds none until its first commit). */
  private volatile boolean holdsLayout;
  /** Stores retired by earlier changes, for the totals of the metrics. */
  private final List<ServerStore> retired = new CopyOnWriteArrayList<>();
  private final ExecutorService changes = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "psyarn-layout-change");
    t.setDaemon(true);
    return t;
  });
  // Guarded by this:
  private ServerStore next;
  private boolean preparing;
  private int prepared = -1;
  private int committed = -1;
  private int failed = -1;
  private long keysFetched;
  private long keysKept;
  private double prepareSeconds;

  /**
   * Serves {@code first}; {@code joins}: a server added by a flex, which holds nothing until its
   * first change commits.
   */
  ServerLayouts(int index, ServerStore first, boolean joins, Stores stores, Peers peers, String partitioner,
      int virtualNodes, boolean replicated) {
    this.index = index;
    this.current = first;
    this.holdsLayout = !joins;
    this.stores = stores;
    this.peers = peers;
    this.partitioner = partitioner;
    this.virtualNodes = virtualNodes;
    this.replicated = replicated;
  }

  @Override
  public void handle(Object request, Reply reply) {
    current.handle(request, reply);
  }

  /** The store serving now. */
  ServerStore current() {
    return current;
  }

  /** The sum of a figure over the stores this server has served, the retired ones and the current. */
  long total(ToLongFunction<ServerStore> figure) {
    long sum = figure.applyAsLong(current);
    for (ServerStore s : retired) {
      sum += figure.applyAsLong(s);
    }
    return sum;
  }

  /**
   * The change of layout under way, from a heartbeat's answer (null: none; a store prepared for a
   * change the AM gave up is dropped).
   */
  synchronized void changed(ViewChange change) {
    if (change == null) {
      if (next != null && !preparing && prepared > committed) {
        LOG.warn("server {}: the change to layout {} was called off; dropping the store prepared for it", index,
            prepared);
        next.retire();
        next = null;
      }
      return;
    }
    if (change.phase() == ViewChange.Phase.PREPARE && change.layout() > prepared && change.layout() > failed
        && !preparing) {
      preparing = true;
      changes.execute(() -> prepare(change));
    } else if (change.phase() == ViewChange.Phase.COMMIT && change.layout() == prepared
        && committed < change.layout()) {
      commit(change);
    }
  }

  private void prepare(ViewChange change) {
    long start = System.nanoTime();
    int n = change.numServers();
    ServerStore fresh = index < n ? stores.create(n) : null;
    long fetched = 0;
    long kept = 0;
    Map<String, PeerChannel> channels = new HashMap<>();
    try {
      if (fresh != null) {
        Partitioner before = Partitioner.create(partitioner, change.sources().length, virtualNodes);
        for (int range : fresh.ranges()) {
          Map<Integer, ServerSnapshot> parts = new TreeMap<>();
          for (ServerInfo source : change.sources()) {
            Fetch ask = new Fetch(source.index(), range, partitioner, n, virtualNodes);
            ServerSnapshot part;
            if (holdsLayout && current.holds(source.index())) {
              part = current.fetch(ask);
              kept += part.keys();
            } else {
              PeerChannel peer = channels.get(source.host() + ":" + source.port());
              if (peer == null) {
                peer = peers.connect(source.host(), source.port());
                channels.put(source.host() + ":" + source.port(), peer);
              }
              FetchReply reply = (FetchReply) peer.call(ask).get(120, TimeUnit.SECONDS);
              part = Checkpoints.decode(reply.snapshot());
              fetched += part.keys();
            }
            parts.put(source.index(), part);
          }
          fresh.absorb(range, parts, before);
        }
        if (replicated) {
          String[] where = new String[n];
          for (ServerInfo target : change.targets()) {
            where[target.index()] = target.host() + ":" + target.port();
          }
          fresh.replicateTo(where);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      LOG.info("server {} prepared layout {} of {} servers in {} s: {} keys fetched from other servers, {} kept",
          index, change.layout(), n, String.format("%.3f", seconds), fetched, kept);
      synchronized (this) {
        next = fresh;
        prepared = change.layout();
        keysFetched = fetched; // this change's figures
        keysKept = kept;
        prepareSeconds = seconds;
      }
    } catch (Exception e) {
      LOG.error("server {} cannot prepare layout {}: {}", index, change.layout(), e.toString(), e);
      if (fresh != null) {
        fresh.retire();
      }
      synchronized (this) {
        failed = change.layout();
      }
    } finally {
      channels.values().forEach(PeerChannel::close);
      synchronized (this) {
        preparing = false;
      }
    }
  }

  private void commit(ViewChange change) {
    ServerStore old = current;
    if (next != null) {
      current = next;
      holdsLayout = true;
      next = null;
    } else {
      holdsLayout = false; // beyond the new layout's count: it holds nothing any more
    }
    committed = change.layout();
    old.retire();
    if (old != current) {
      retired.add(old);
    }
    LOG.info("server {} serves layout {} of {} servers: {} keys{}", index, change.layout(), change.numServers(),
        current.keys(), holdsLayout ? "" : " (retired by the flex; it stops when the AM says)");
  }

  /** How far the changes are, for the heartbeat: the layouts prepared and committed, and the last one's keys moved. */
  synchronized Map<String, Double> metrics() {
    Map<String, Double> m = new LinkedHashMap<>();
    if (prepared >= 0 || failed >= 0) {
      m.put("view.prepared", (double) prepared);
      m.put("view.committed", (double) committed);
      m.put("view.failed", (double) failed);
      m.put("flex.keysFetched", (double) keysFetched);
      m.put("flex.keysKept", (double) keysKept);
      m.put("flex.prepareSeconds", prepareSeconds);
      m.put("flex.splitOrigins", (double) current.splitOrigins());
    }
    return m;
  }
}
