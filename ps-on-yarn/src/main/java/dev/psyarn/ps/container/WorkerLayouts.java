package dev.psyarn.ps.container;

import dev.psyarn.ps.wire.ControlMessages.ClusterView;
import dev.psyarn.ps.wire.ControlMessages.ServerInfo;
import dev.psyarn.ps.wire.ControlMessages.ViewChange;
import dev.psyarn.ps.worker.KVWorker;
import dev.psyarn.ps.worker.Partitioner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's cluster views and its side of the servers' changes of layout (server flex). The
 * views it has seen tell a link to a lost server where the replacement listens. When a
 * heartbeat's answer names a change of layout beyond the worker's, its {@link KVWorker} pauses;
 * the heartbeats report {@code view.quiescent} once nothing it sent is in flight; a thread of its
 * own waits for the AM's first view of the new layout, connects the servers that are new
 * (keeping the links to those that stay), resumes the worker on the new routing and closes the
 * links to servers that left.
 */
final class WorkerLayouts {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerLayouts.class);

  private final ControlClient control;
  private final ServerLink.Connector connector;
  /** The links of the layout in force, index = server; the list the worker's metrics read. */
  private final List<ServerLink> links;
  private ClusterView latest;
  private KVWorker kv;
  /** The change the worker pauses for, or -1. */
  private int pausedFor = -1;

  WorkerLayouts(ControlClient control, ServerLink.Connector connector, List<ServerLink> links) {
    this.control = control;
    this.connector = connector;
    this.links = links;
  }

  /** Connects every server of the first view and makes the worker over them. */
  synchronized KVWorker connect(ClusterView first, int index) throws IOException {
    latest = first;
    for (int i = 0; i < latest.servers().length; i++) {
      InetSocketAddress at = address(latest, i);
      links.add(new ServerLink(i, connector.connect(at), at, this::next, connector));
    }
    kv = KVWorker.identified(index, Partitioner.create(latest.partitioner(), links.size(), latest.virtualNodes()),
        links);
    if (pausedFor > latest.layout()) {
      kv.pause(pausedFor); // a change began while this worker was starting
      startResuming(pausedFor);
    } else {
      pausedFor = -1;
    }
    return kv;
  }

  /** A heartbeat's answer named a change of layout (null: none). */
  synchronized void changed(ViewChange change) {
    if (change == null || (latest != null && change.layout() <= latest.layout()) || change.layout() <= pausedFor) {
      return;
    }
    pausedFor = change.layout();
    LOG.info("the servers change to layout {} of {} servers: pausing", change.layout(), change.numServers());
    if (kv != null) {
      kv.pause(change.layout());
      startResuming(change.layout());
    }
  }

  private void startResuming(int layout) {
    Thread t = new Thread(() -> resumeAfter(layout), "psyarn-layout-" + layout);
    t.setDaemon(true);
    t.start();
  }

  /** The change this worker is quiescent for, or -1 (a worker not yet connected has nothing in flight). */
  synchronized int quiescentFor() {
    if (pausedFor < 0) {
      return -1;
    }
    return kv == null ? pausedFor : kv.quiescentFor();
  }

  private void resumeAfter(int layout) {
    try {
      ClusterView view;
      synchronized (this) {
        view = latest;
      }
      while (view.layout() < layout) {
        view = control.clusterViewAfter(view.epoch());
      }
      List<ServerLink> left = new ArrayList<>();
      synchronized (this) {
        List<ServerLink> next = new ArrayList<>();
        for (int i = 0; i < view.servers().length; i++) {
          InetSocketAddress at = address(view, i);
          ServerLink same = i < links.size() && links.get(i).at().equals(at) ? links.get(i) : null;
          next.add(same != null ? same : new ServerLink(i, connector.connect(at), at, this::next, connector));
        }
        for (ServerLink link : links) {
          if (!next.contains(link)) {
            left.add(link);
          }
        }
        latest = view;
        pausedFor = -1;
        if (kv != null) {
          kv.resume(Partitioner.create(view.partitioner(), next.size(), view.virtualNodes()), next);
        }
        links.clear();
        links.addAll(next);
      }
      left.forEach(ServerLink::close);
      LOG.info("running on layout {}: {} servers (epoch {})", view.layout(), view.servers().length, view.epoch());
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot move to the servers' layout {}: {}", layout, e.toString(), e);
    }
  }

  private static InetSocketAddress address(ClusterView view, int server) {
    for (ServerInfo s : view.servers()) {
      if (s.index() == server) {
        return new InetSocketAddress(s.host(), s.port());
      }
    }
    throw new IllegalStateException("the cluster view of epoch " + view.epoch() + " has no server " + server);
  }

  /** Where {@code server} listens once it is no longer {@code failed}: the next views, as the AM gives them. */
  private InetSocketAddress next(int server, InetSocketAddress failed) {
    while (true) {
      ClusterView view;
      synchronized (this) {
        view = latest;
      }
      InetSocketAddress at = address(view, server);
      if (!at.equals(failed)) {
        return at;
      }
      ClusterView newer = control.clusterViewAfter(view.epoch());
      synchronized (this) {
        if (newer.epoch() > latest.epoch() && newer.layout() == latest.layout()) {
          latest = newer;
        } else if (newer.layout() != latest.layout()) {
          throw new IllegalStateException("server " + server + " is no longer of this layout");
        }
      }
      LOG.info("cluster view {}: server {} at {}", newer.epoch(), server, address(newer, server));
    }
  }
}
