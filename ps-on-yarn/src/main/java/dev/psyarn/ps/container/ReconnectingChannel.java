package dev.psyarn.ps.container;

import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.transport.RemoteException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container's channel to the AM that follows the AM to its next attempt: when the connection is
 * lost, it reads where the new attempt listens (the endpoint file each attempt writes in the
 * staging directory), connects, registers the container again and sends the request that failed.
 * An answer that is an error of the AM's is not retried. Gives up after {@code patience}.
 */
final class ReconnectingChannel implements PeerChannel {

  /** Where the AM listens now, as its latest attempt wrote it; null while none is written. */
  interface Endpoints {
    InetSocketAddress read() throws IOException;
  }

  /** Opens an authenticated channel to an AM. */
  interface Connector {
    PeerChannel connect(InetSocketAddress address) throws IOException;
  }

  private static final Logger LOG = LoggerFactory.getLogger(ReconnectingChannel.class);
  private static final long POLL_MS = 500;

  private final Endpoints endpoints;
  private final Connector connector;
  private final Duration patience;
  private final Clock clock;
  private final ExecutorService reconnects = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "psyarn-am-reconnect");
    t.setDaemon(true);
    return t;
  });
  /** The channel in use, where it leads, and how many times the AM was followed: read together. */
  private record Link(PeerChannel channel, InetSocketAddress at, int generation) {}

  private volatile Link link;
  private volatile Object registration;

  ReconnectingChannel(PeerChannel first, InetSocketAddress at, Endpoints endpoints, Connector connector,
      Duration patience, Clock clock) {
    this.link = new Link(first, at, 0);
    this.endpoints = endpoints;
    this.connector = connector;
    this.patience = patience;
    this.clock = clock;
  }

  /**
   * Connects to the AM at {@code at}. When nothing listens there (its attempt ended before this
   * container's JVM started: YARN keeps the containers it launched), waits for the next attempt to
   * write where it listens and connects there, within {@code patience}, rather than fail a
   * container that the next attempt takes over. Any other failure to connect is thrown at once.
   */
  static ReconnectingChannel open(InetSocketAddress at, Endpoints endpoints, Connector connector, Duration patience,
      Clock clock) throws IOException {
    try {
      return new ReconnectingChannel(connector.connect(at), at, endpoints, connector, patience, clock);
    } catch (IOException e) {
      if (!(e.getCause() instanceof java.net.ConnectException) && !(e instanceof java.net.ConnectException)) {
        throw e;
      }
      LOG.warn("no ApplicationMaster at {} ({}); waiting up to {} s for its next attempt", at, e.getMessage(),
          patience.toSeconds());
      Link next = awaitNext(at, endpoints, connector, null, clock.millis() + patience.toMillis(), clock, patience, e);
      return new ReconnectingChannel(next.channel(), next.at(), endpoints, connector, patience, clock);
    }
  }

  /** The request that registers this container; sent again to every new AM before anything else. */
  void registerWith(Object register) {
    this.registration = register;
  }

  @Override
  public CompletableFuture<Object> call(Object request) {
    Link used = link;
    return used.channel().call(request).exceptionallyComposeAsync(failure -> {
      Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      if (cause instanceof RemoteException) {
        return CompletableFuture.failedFuture(cause);
      }
      try {
        return follow(used).call(request);
      } catch (IOException e) {
        e.addSuppressed(cause);
        return CompletableFuture.failedFuture(e);
      }
    }, reconnects);
  }

  /**
   * The channel to the AM's next attempt, once it is there and this container is registered with
   * it; when another caller has already followed it since {@code failed} was in use, that channel.
   */
  private synchronized PeerChannel follow(Link failed) throws IOException {
    Link now = link;
    if (now.generation() != failed.generation()) {
      return now.channel();
    }
    LOG.warn("lost the ApplicationMaster at {}; waiting up to {} s for its next attempt", now.at(), patience.toSeconds());
    Link next = awaitNext(now.at(), endpoints, connector, registration, clock.millis() + patience.toMillis(), clock,
        patience, null);
    now.channel().close();
    link = new Link(next.channel(), next.at(), now.generation() + 1);
    LOG.info("registered again with the ApplicationMaster's next attempt at {}", next.at());
    return next.channel();
  }

  /**
   * Polls the endpoint file until it names an address other than {@code gone}, connects there and,
   * given a {@code registration}, registers; until {@code deadline}.
   */
  private static Link awaitNext(InetSocketAddress gone, Endpoints endpoints, Connector connector, Object registration,
      long deadline, Clock clock, Duration patience, IOException first) throws IOException {
    IOException last = first;
    while (clock.millis() < deadline) {
      InetSocketAddress next = endpoints.read();
      if (next != null && !next.equals(gone)) {
        try {
          PeerChannel channel = connector.connect(next);
          if (registration != null) {
            channel.call(registration).join();
          }
          return new Link(channel, next, 0);
        } catch (IOException | CompletionException e) {
          last = e instanceof IOException io ? io : new IOException(e.getCause());
          LOG.warn("cannot register with the AM at {} yet: {}", next, e.toString());
        }
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the ApplicationMaster", e);
      }
    }
    throw new IOException("the ApplicationMaster did not come back within " + patience.toSeconds() + " s", last);
  }

  @Override
  public void close() {
    reconnects.shutdownNow();
    link.channel().close();
  }
}
