package dev.psyarn.am;

import dev.psyarn.ps.transport.RequestHandler.Reply;
import dev.psyarn.ps.wire.ControlMessages.Ack;
import dev.psyarn.ps.wire.ControlMessages.ClusterView;
import dev.psyarn.ps.wire.ControlMessages.ServerInfo;
import dev.psyarn.spec.Partitioning;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Naming and discovery: where each server listens and how keys map onto servers, answered to workers
 * once every server has registered; and the workers' barriers. Confined to the AM's event thread.
 */
final class ClusterDirectory {

  /** Where each server slot listens, while it is registered. */
  private ServerInfo[] servers;
  /**
   * Once every server has registered: for each key range, the live servers that hold it, the one
   * that serves it first (its own server, then the next ones of the ring that replicate it; a
   * replacement comes last, so a range stays with the server that took it over while that lives).
   */
  private final List<List<Integer>> holders = new ArrayList<>();
  private final int replication;
  private boolean started;
  private final int numWorkers;
  private final Partitioning partitioning;
  /** Requests for a view, each with the epoch it must be newer than. */
  private final List<Map.Entry<Long, Reply>> waitingForView = new ArrayList<>();
  private final Map<String, Set<String>> barrierArrivals = new HashMap<>();
  private final Map<String, List<Reply>> barrierReplies = new HashMap<>();
  /** Barriers every worker has passed: a replacement that arrives again is let through at once. */
  private final Set<String> released = new HashSet<>();
  private int registeredServers;
  private long epoch;
  /** The servers' layout: how many changes of layout (server flex) are in force. */
  private int layout;
  /** While the servers change layout, views are held (but those asked for {@code NOW}). */
  private boolean held;
  /** Whether the job's input is ready: false while preprocessing runs (workers wait at the data gate). */
  private boolean dataReady = true;
  private final List<Reply> waitingForData = new ArrayList<>();

  ClusterDirectory(int numServers, int numWorkers, Partitioning partitioning) {
    this(numServers, numWorkers, partitioning, 0);
  }

  /** A directory whose ranges are each held by their own server and the {@code replication} next ones. */
  ClusterDirectory(int numServers, int numWorkers, Partitioning partitioning, int replication) {
    this.replication = replication;
    this.servers = new ServerInfo[numServers];
    this.numWorkers = numWorkers;
    this.partitioning = partitioning;
  }

  /** Records a server's endpoint; answers waiting workers when it was the last one. */
  void serverRegistered(int index, String host, int port) {
    if (index >= servers.length) {
      throw new IllegalArgumentException("server " + index + " is not of the layout in force (" + servers.length
          + " servers)");
    }
    if (servers[index] == null) {
      registeredServers++;
    }
    servers[index] = new ServerInfo(index, host, port);
    if (!started && registeredServers == servers.length) {
      started = true;
      chainHolders();
    } else if (started) {
      for (int range : rangesOf(index)) {
        if (!holders.get(range).contains(index)) {
          holders.get(range).add(index); // a replacement: it has taken the range over from a holder
        }
      }
    }
    epoch++;
    answerWaiting();
  }

  /** The ranges server {@code index} holds: its own and the {@code replication} before it. */
  private List<Integer> rangesOf(int index) {
    List<Integer> ranges = new ArrayList<>();
    for (int i = 0; i <= replication; i++) {
      ranges.add(Math.floorMod(index - i, servers.length));
    }
    return ranges;
  }

  /** The key ranges no live server holds (lost with their replicas, or without replication). */
  List<Integer> rangesWithoutHolder() {
    List<Integer> none = new ArrayList<>();
    for (int range = 0; range < holders.size(); range++) {
      if (holders.get(range).isEmpty()) {
        none.add(range);
      }
    }
    return none;
  }

  /**
   * Server {@code index} is gone: the view lacks it (and workers that ask for a newer one wait)
   * until its replacement registers.
   */
  void serverLost(int index) {
    if (index < servers.length && servers[index] != null) {
      servers[index] = null;
      registeredServers--;
      holders.forEach(held -> held.remove(Integer.valueOf(index)));
      epoch++;
      answerWaiting(); // with replication the view is whole again at once: the next holders serve its ranges
    }
  }

  /**
   * The servers changed layout ({@code layout}, server flex): these are its servers, each holding
   * its own range and the {@code replication} before it; the next view says so.
   */
  void relayout(int layout, ServerInfo[] registered) {
    this.layout = layout;
    this.servers = registered.clone();
    registeredServers = registered.length;
    chainHolders();
    started = true;
    held = false;
    epoch++;
    answerWaiting();
  }

  /** Each range held by its own server and the {@code replication} after it, the ring's first holder first. */
  private void chainHolders() {
    holders.clear();
    for (int range = 0; range < servers.length; range++) {
      List<Integer> chain = new ArrayList<>();
      for (int i = 0; i <= Math.min(replication, servers.length - 1); i++) {
        chain.add((range + i) % servers.length);
      }
      holders.add(chain);
    }
  }

  /** Holds views (but those asked for {@code NOW}) while the servers change layout, or answers them again. */
  void holdViews(boolean hold) {
    held = hold;
    if (!hold) {
      answerWaiting();
    }
  }

  /** The servers of the layout in force. */
  int numServers() {
    return servers.length;
  }

  /** Where server {@code index} listens, or null while it is not registered. */
  ServerInfo server(int index) {
    return index < servers.length ? servers[index] : null;
  }

  private void answerWaiting() {
    if (!complete() || held) {
      return;
    }
    ClusterView view = view();
    waitingForView.removeIf(waiting -> {
      if (epoch > waiting.getKey()) {
        waiting.getValue().ok(view);
        return true;
      }
      return false;
    });
  }

  /** Answers with the view once every server is known and its epoch is above {@code newerThan}. */
  void requestView(long newerThan, Reply reply) {
    if (newerThan == dev.psyarn.ps.wire.ControlMessages.GetClusterView.NOW
        || (complete() && !held && epoch > newerThan)) {
      reply.ok(view());
    } else {
      waitingForView.add(Map.entry(newerThan, reply));
    }
  }

  /**
   * Holds the reply until every worker has arrived at the barrier of this name; {@code worker}
   * names the worker's slot, so a replacement that arrives again counts once.
   */
  void arrive(String barrier, String worker, Reply reply) {
    if (barrier.equals(dev.psyarn.ps.container.ControlClient.DATA_READY)) {
      if (dataReady) {
        reply.ok(new Ack());
      } else {
        waitingForData.add(reply);
      }
      return;
    }
    if (released.contains(barrier)) {
      reply.ok(new Ack());
      return;
    }
    Set<String> arrived = barrierArrivals.computeIfAbsent(barrier, b -> new HashSet<>());
    arrived.add(worker);
    barrierReplies.computeIfAbsent(barrier, b -> new ArrayList<>()).add(reply);
    if (arrived.size() >= numWorkers) {
      barrierReplies.remove(barrier).forEach(r -> r.ok(new Ack()));
      barrierArrivals.remove(barrier);
      released.add(barrier);
    }
  }

  /** With {@code hold}, preprocessing runs: workers that start meanwhile wait at the data gate until {@link #dataReady}. */
  void holdData(boolean hold) {
    dataReady = !hold;
  }

  /** Preprocessing has written the shards: the workers waiting at the data gate go on. */
  void dataReady() {
    dataReady = true;
    waitingForData.forEach(reply -> reply.ok(new Ack()));
    waitingForData.clear();
  }

  /** The barriers every worker has passed, for the journal. */
  List<String> released() {
    return new ArrayList<>(released);
  }

  /** Barriers a previous AM attempt saw every worker pass. */
  void restoreReleased(List<String> barriers) {
    released.addAll(barriers);
  }

  /** The port server {@code index} registered, or 0 while it has not. */
  int serverPort(int index) {
    return index >= servers.length || servers[index] == null ? 0 : servers[index].port();
  }

  /** Fails every waiting request, when the job ends. */
  void abandon(String why) {
    waitingForView.forEach(waiting -> waiting.getValue().error(why));
    waitingForView.clear();
    waitingForData.forEach(reply -> reply.error(why));
    waitingForData.clear();
    barrierReplies.values().forEach(replies -> replies.forEach(reply -> reply.error(why)));
    barrierReplies.clear();
    barrierArrivals.clear();
  }

  /** Whether every key range has a server to serve it. */
  boolean complete() {
    return started ? rangesWithoutHolder().isEmpty() : registeredServers == servers.length;
  }

  /**
   * The view: for each key range, where the server that serves it listens (entry i serves range
   * i: server i, or while it is lost the next holder of its range); before every server has
   * registered, the servers known so far.
   */
  ClusterView view() {
    ServerInfo[] entries;
    if (!started) {
      entries = java.util.Arrays.stream(servers).filter(java.util.Objects::nonNull).toArray(ServerInfo[]::new);
    } else {
      List<ServerInfo> served = new ArrayList<>();
      for (int range = 0; range < holders.size(); range++) {
        if (!holders.get(range).isEmpty()) {
          ServerInfo at = servers[holders.get(range).get(0)];
          served.add(new ServerInfo(range, at.host(), at.port()));
        }
      }
      entries = served.toArray(ServerInfo[]::new);
    }
    return new ClusterView(epoch, entries, numWorkers, partitioning.type(), partitioning.virtualNodes(), layout);
  }
}
