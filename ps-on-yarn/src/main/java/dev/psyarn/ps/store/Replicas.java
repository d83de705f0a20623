package dev.psyarn.ps.store;

import dev.psyarn.ps.wire.DataMessages.Handover;
import dev.psyarn.ps.wire.DataMessages.HandoverReply;
import dev.psyarn.ps.wire.DataMessages.ReceivedPush;
import dev.psyarn.ps.wire.DataMessages.Replicate;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica side of a server's ranges (chain replication, paper §4.3): connecting each range's
 * other holders, forwarding a table's pushes to them in the order applied, dropping a replica
 * that is gone, and handing a range over to a replacement or taking one over.
 */
final class Replicas {

  private static final Logger LOG = LoggerFactory.getLogger(Replicas.class);

  /** A push's forwards to the replicas, and the array its values were copied into. */
  record Forwarded(List<CompletableFuture<Object>> acks, float[] lent) {}

  private final int server;
  private final int numServers;
  private final ServerStore.Replication replication;
  private final Map<Integer, HeldRange> ranges;
  private final AtomicLong lost = new AtomicLong();
  /** Arrays that hold a push's values until its replicas have them, reused: large pushes allocate none. */
  private final LentArrays copies;

  /** {@code copies}: where the arrays a push's values are held in until its replicas have them come from. */
  Replicas(int server, int numServers, ServerStore.Replication replication, Map<Integer, HeldRange> ranges,
      LentArrays copies) {
    this.server = server;
    this.numServers = numServers;
    this.replication = replication;
    this.ranges = ranges;
    this.copies = copies;
  }

  /**
   * Connects the replicas of every range held (each range's other holders: its own server and the
   * ones after it); {@code where[s]} is server s's "host:port", null for one that is gone.
   */
  void connectAll(String[] where) throws IOException {
    Map<Integer, HeldRange.Replica> peers = new TreeMap<>();
    for (HeldRange r : ranges.values()) {
      for (int i = 0; i <= replication.copies(); i++) {
        int holder = (r.index + i) % numServers;
        if (holder == server || where[holder] == null) {
          continue;
        }
        HeldRange.Replica t = peers.get(holder);
        if (t == null) {
          t = connect(where[holder]);
          peers.put(holder, t);
        }
        r.addReplica(t);
      }
    }
  }

  /**
   * Forwards a push the table is about to apply to each of its replicas, or returns null when it
   * has none. Called under the table's lock: every replica gets the table's pushes in the order
   * applied; sent before the local apply, so the replicas apply while this server does. The
   * values go out from the array {@code loan} lends (a push gathered from a stream), kept until
   * the replicas have them, else from a copy (a view of a received frame, valid only now).
   */
  Forwarded forward(HeldRange range, HeldRange.Table table, ReceivedPush push, PushStreams.Loan loan) {
    if (table.replicas.isEmpty()) {
      return null;
    }
    float[] copy;
    FloatBuffer values;
    if (loan != null) {
      copy = loan.keep();
      values = push.values().duplicate(); // a view of the lent array, its position its own
    } else {
      int count = push.values().remaining();
      copy = copies.borrow(count);
      push.values().duplicate().get(copy, 0, count);
      values = FloatBuffer.wrap(copy, 0, count);
    }
    Replicate r = new Replicate(range.index, push.table(), push.keys(), values, push.origin(), push.seq());
    List<CompletableFuture<Object>> acks = new ArrayList<>();
    for (HeldRange.Replica t : table.replicas) {
      acks.add(t.channel().call(r).whenComplete((ok, failure) -> {
        if (failure != null) {
          lostReplica(range, table, t, failure);
        }
      }));
    }
    return new Forwarded(acks, copy);
  }

  /**
   * Runs {@code then} once every replica has acknowledged (a replica that is gone is dropped, not
   * waited for), and takes the copy back.
   */
  void whenAcknowledged(Forwarded forwarded, Runnable then) {
    CompletableFuture.allOf(forwarded.acks().stream().map(f -> f.exceptionally(e -> null))
        .toArray(CompletableFuture[]::new)).whenComplete((ok, e) -> {
          copies.giveBack(forwarded.lent()); // written to every replica: answered
          then.run();
        });
  }

  private void lostReplica(HeldRange range, HeldRange.Table table, HeldRange.Replica replica, Throwable why) {
    boolean removed;
    synchronized (table) {
      removed = table.replicas.remove(replica);
    }
    if (removed) {
      range.replicas.remove(replica);
      lost.incrementAndGet();
      LOG.warn("server {}: replica {} of range {} is gone ({}); going on without it", server, replica.name(),
          range.index, why.toString());
    }
  }

  /** Closes the channels to every replica (the server changed layout). */
  void close() {
    java.util.Set<dev.psyarn.ps.transport.PeerChannel> channels = new java.util.HashSet<>();
    for (HeldRange r : ranges.values()) {
      r.replicas.forEach(replica -> channels.add(replica.channel()));
    }
    channels.forEach(dev.psyarn.ps.transport.PeerChannel::close);
  }

  /** Replicas dropped so far. */
  long lost() {
    return lost.get();
  }

  /**
   * A replacement asks for a range held here: each table is copied under its lock with its ledger,
   * and from then on its pushes go to the replacement too. {@code clocks} are this server's
   * workers' clocks, for the replacement's vector clock.
   */
  HandoverReply handOver(Handover h, int[] clocks) throws IOException {
    HeldRange range = ranges.get(h.range());
    if (range == null) {
      throw new IllegalArgumentException("server " + server + " holds no range " + h.range());
    }
    HeldRange.Replica replacement = connect(h.host() + ":" + h.port());
    List<String> others = range.replicas.stream().map(HeldRange.Replica::name).toList();
    range.replicas.add(replacement);
    List<ServerSnapshot.Table> images = new ArrayList<>();
    for (Map.Entry<Integer, HeldRange.Table> e : new TreeMap<>(range.tables).entrySet()) {
      HeldRange.Table table = e.getValue();
      synchronized (table) {
        try {
          // A push being added as it arrives (not forwarded) is waited for: all its rows in the copy.
          table.quiesced(() -> {
            Map<Integer, Long> ledger = table.ledger.copy();
            images.add(new ServerSnapshot.Table(e.getKey(), table.spec, table.values.copy(), ledger,
                table.ledger.torn(ledger)));
            table.replicas.add(replacement);
          });
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while handing range " + h.range() + " over", interrupted);
        }
      }
    }
    ServerSnapshot s = new ServerSnapshot(h.range(), numServers, -1, clocks, List.of(), images);
    LOG.info("server {} handed range {} ({} keys) over to {}", server, h.range(), s.keys(), replacement.name());
    return new HandoverReply(Checkpoints.encode(s), others.toArray(String[]::new));
  }

  /**
   * Takes over a range handed over by its holder at {@code holder} ("host:port"): the tables and
   * their ledgers; from now on the range's pushes this server receives itself go to the holder and
   * the holder's other replicas ({@code others}), those that can be reached.
   */
  void takeOver(HeldRange range, ServerSnapshot snapshot, String holder, String[] others) {
    for (ServerSnapshot.Table t : snapshot.tables()) {
      HeldRange.Table table = range.create(t.id(), t.image().width(), t.updater());
      synchronized (table) {
        table.values.load(t.image(), key -> true);
        table.ledger.restore(t.ledger(), t.torn()); // a push cut off here: the holder's forward of the rest completes it
      }
    }
    List<String> addresses = new ArrayList<>(List.of(others));
    addresses.add(0, holder);
    for (String address : addresses) {
      if (!range.hasReplica(address)) {
        try {
          range.addReplica(connect(address));
        } catch (IOException e) {
          LOG.warn("server {}: replica {} of range {} cannot be reached ({}); going on without it", server, address,
              range.index, e.toString());
        }
      }
    }
  }

  private HeldRange.Replica connect(String hostPort) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    return new HeldRange.Replica(hostPort, replication.peers().connect(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1))));
  }
}
