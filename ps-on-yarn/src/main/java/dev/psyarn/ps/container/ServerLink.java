package dev.psyarn.ps.container;

import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.transport.RemoteException;
import dev.psyarn.ps.wire.DataMessages.Clock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's channel to one server that survives the server's replacement. Requests go out in
 * the order they are made and stay pending until answered; when the connection is lost, the link
 * asks where the server's replacement listens (the AM's next cluster view), connects, sends the
 * last clock the lost server had answered (so the replacement's vector clock knows this worker)
 * and then every pending request again, in their first order. So a server applies a worker's
 * requests in order across a replacement, and a push it answered is never sent twice (its
 * replacement gets the ones it did not answer, and drops any it has by their sequence number).
 * An answer that is an error of the server's is not retried.
 */
final class ServerLink implements PeerChannel {

  /** Where a server listens after {@code failed}: blocks until the AM's view says so. */
  interface Locator {
    InetSocketAddress next(int server, InetSocketAddress failed) throws IOException;
  }

  /** Opens an authenticated data-plane channel. */
  interface Connector {
    PeerChannel connect(InetSocketAddress address) throws IOException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(ServerLink.class);

  private record Pending(Object request, Function<Object, ?> onArrival, CompletableFuture<Object> result) {}

  private final int server;
  private final Locator locator;
  private final Connector connector;
  private final ExecutorService recovery;
  /** Requests sent and not answered, in the order sent. Guarded by {@code this}, as are the fields below. */
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private PeerChannel channel;
  private InetSocketAddress at;
  private int generation;
  private boolean broken;
  private boolean closed;
  /** The last clock the server answered. */
  private Clock lastClock;
  private int reconnects;
  private long lostAtNanos;
  /** The longest a loss lasted: from the connection lost to the first answer from the replacement. */
  private double longestOutageSeconds;

  ServerLink(int server, PeerChannel channel, InetSocketAddress at, Locator locator, Connector connector) {
    this.server = server;
    this.channel = channel;
    this.at = at;
    this.locator = locator;
    this.connector = connector;
    this.recovery = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "psyarn-server-" + server + "-link");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public CompletableFuture<Object> call(Object request) {
    return call(request, Function.identity());
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> call(Object request, Function<Object, ? extends T> onArrival) {
    Pending p = new Pending(request, onArrival, new CompletableFuture<>());
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new IOException("the link to server " + server + " is closed"));
      }
      pending.add(p);
      if (!broken) {
        send(p, channel, generation); // under the lock: the channel gets requests in pending's order
      }
    }
    return (CompletableFuture<T>) p.result();
  }

  private void send(Pending p, PeerChannel to, int gen) {
    to.call(p.request(), p.onArrival()).whenComplete((answer, failure) -> {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      if (cause != null && !(cause instanceof RemoteException)) {
        lost(gen, cause);
        return;
      }
      synchronized (this) {
        // By identity (each request in flight is its own): not the record's equals, linked at its first call.
        for (java.util.Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
          if (it.next() == p) {
            it.remove();
            break;
          }
        }
        if (cause == null && p.request() instanceof Clock tick) {
          lastClock = tick;
        }
      }
      if (cause == null) {
        p.result().complete(answer);
      } else {
        p.result().completeExceptionally(cause);
      }
    });
  }

  private synchronized void lost(int gen, Throwable cause) {
    if (gen != generation || broken || closed) {
      return; // another request of the same connection reported it first
    }
    broken = true;
    lostAtNanos = System.nanoTime();
    LOG.warn("lost server {} at {} ({}); {} requests pending, waiting for its replacement", server, at, cause.toString(),
        pending.size());
    recovery.execute(this::recover);
  }

  /** Finds and connects to the replacement, then sends the last answered clock and every pending request. */
  private void recover() {
    InetSocketAddress failed;
    synchronized (this) {
      failed = at;
    }
    try {
      PeerChannel next = null;
      InetSocketAddress where = failed;
      while (next == null) {
        where = locator.next(server, failed);
        try {
          next = connector.connect(where);
        } catch (IOException e) {
          LOG.warn("cannot connect to server {} at {} yet: {}", server, where, e.toString());
          failed = where;
        }
      }
      synchronized (this) {
        if (closed) {
          next.close();
          return;
        }
        channel.close();
        channel = next;
        at = where;
        generation++;
        reconnects++;
        broken = false;
        List<Pending> again = new ArrayList<>(pending);
        long lostAt = lostAtNanos;
        CompletableFuture<Object> first = next.call(lastClock != null ? lastClock : new Clock(-1, -1));
        // The restored server learns this worker's clock before its next requests (a clock of
        // worker -1 is no worker's: it only says when the replacement answers).
        first.whenComplete((ok, e) -> {
          synchronized (this) {
            longestOutageSeconds = Math.max(longestOutageSeconds, (System.nanoTime() - lostAt) / 1e9);
          }
        });
        for (Pending p : again) {
          send(p, next, generation);
        }
        LOG.info("reconnected to server {} at {}; sent {} pending requests again", server, where, again.size());
      }
    } catch (IOException | RuntimeException e) {
      List<Pending> failedRequests;
      synchronized (this) {
        failedRequests = new ArrayList<>(pending);
        pending.clear();
      }
      IOException why = new IOException("server " + server + " was lost and no replacement could be reached", e);
      failedRequests.forEach(p -> p.result().completeExceptionally(why));
    }
  }

  /** The longest a loss of this server lasted: connection lost to the first answer after it, in seconds. */
  synchronized double longestOutageSeconds() {
    return longestOutageSeconds;
  }

  /** Where the server listens, as far as this link knows. */
  synchronized InetSocketAddress at() {
    return at;
  }

  /** How many times this link moved to a replacement. */
  synchronized int reconnects() {
    return reconnects;
  }

  @Override
  public void close() {
    List<Pending> left;
    synchronized (this) {
      closed = true;
      left = new ArrayList<>(pending);
      pending.clear();
      channel.close();
    }
    recovery.shutdownNow();
    left.forEach(p -> p.result().completeExceptionally(new IOException("the link to server " + server + " is closed")));
  }
}
