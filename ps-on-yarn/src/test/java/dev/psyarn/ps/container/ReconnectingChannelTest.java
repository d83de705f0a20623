package dev.psyarn.ps.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.transport.RemoteException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A container's control channel following the AM to its next attempt, with fake AMs. */
class ReconnectingChannelTest {

  /** An AM that records what it hears and answers "ok:" + request, until it is made to die. */
  static final class FakeAm implements PeerChannel {
    final List<Object> heard = new ArrayList<>();
    volatile boolean dead;
    volatile String refuse;

    @Override
    public synchronized CompletableFuture<Object> call(Object request) {
      if (dead) {
        return CompletableFuture.failedFuture(new IOException("connection lost"));
      }
      heard.add(request);
      if (refuse != null) {
        return CompletableFuture.failedFuture(new RemoteException(refuse));
      }
      return CompletableFuture.completedFuture("ok:" + request);
    }

    @Override
    public void close() {
      dead = true;
    }
  }

  private static final InetSocketAddress FIRST = InetSocketAddress.createUnresolved("am-host", 1000);
  private static final InetSocketAddress SECOND = InetSocketAddress.createUnresolved("am-host2", 2000);

  @Test
  void aLostAmIsFollowedToItsNextAttemptWhichHearsTheRegistrationBeforeTheRequest() throws Exception {
    FakeAm first = new FakeAm();
    FakeAm second = new FakeAm();
    AtomicReference<InetSocketAddress> endpoint = new AtomicReference<>(FIRST);
    List<InetSocketAddress> dialled = new ArrayList<>();
    ReconnectingChannel channel = new ReconnectingChannel(first, FIRST, endpoint::get, address -> {
      dialled.add(address);
      return second;
    }, Duration.ofSeconds(20), Clock.systemUTC());
    channel.registerWith("register");
    assertEquals("ok:beat", channel.call("beat").join());

    first.dead = true;
    CompletableFuture<Object> during = channel.call("barrier");
    Thread.sleep(700);
    assertTrue(!during.isDone(), "waits while no new attempt has written where it listens");
    endpoint.set(SECOND);
    assertEquals("ok:barrier", during.join());
    assertEquals(List.of("register", "barrier"), second.heard, "registered again first, then the failed request");
    assertEquals(List.of(SECOND), dialled);
    assertEquals("ok:beat", channel.call("beat").join(), "later requests go to the new attempt");
  }

  @Test
  void anErrorTheAmAnsweredIsNotRetriedAndAnAmThatNeverComesBackEndsTheWait() {
    FakeAm am = new FakeAm();
    ReconnectingChannel channel = new ReconnectingChannel(am, FIRST, () -> FIRST, address -> {
      throw new IOException("never dialled: the endpoint did not change");
    }, Duration.ofSeconds(1), Clock.systemUTC());
    am.refuse = "registration is closed";
    CompletionException refused = assertThrows(CompletionException.class, () -> channel.call("x").join());
    assertInstanceOf(RemoteException.class, refused.getCause());
    assertEquals(1, am.heard.size(), "answered once, not retried");

    am.refuse = null;
    am.dead = true;
    CompletionException gone = assertThrows(CompletionException.class, () -> channel.call("y").join());
    assertTrue(gone.getCause().getMessage().contains("did not come back within 1 s"), gone.getCause().getMessage());
  }

  @Test
  void aContainerStartedWhileNoAttemptListensWaitsForTheNextOneAndOtherFailuresAreThrownAtOnce() throws Exception {
    FakeAm second = new FakeAm();
    AtomicReference<InetSocketAddress> endpoint = new AtomicReference<>(FIRST);
    List<InetSocketAddress> dialled = new ArrayList<>();
    CompletableFuture<ReconnectingChannel> opening = CompletableFuture.supplyAsync(() -> {
      try {
        return ReconnectingChannel.open(FIRST, endpoint::get, address -> {
          dialled.add(address);
          if (address.equals(FIRST)) {
            throw new IOException("cannot connect to " + address, new java.net.ConnectException("Connection refused"));
          }
          return second;
        }, Duration.ofSeconds(20), Clock.systemUTC());
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    });
    Thread.sleep(700);
    assertTrue(!opening.isDone(), "waits while the endpoint still names the attempt that is gone");
    endpoint.set(SECOND);
    ReconnectingChannel channel = opening.join();
    assertEquals("ok:register", channel.call("register").join());
    assertEquals(List.of(FIRST, SECOND), dialled);

    IOException refused = assertThrows(IOException.class, () -> ReconnectingChannel.open(FIRST, endpoint::get,
        address -> {
          throw new IOException("the handshake failed: bad secret");
        }, Duration.ofSeconds(20), Clock.systemUTC()));
    assertEquals("the handshake failed: bad secret", refused.getMessage(), "not a refused connection: no wait");

    IOException never = assertThrows(IOException.class, () -> ReconnectingChannel.open(FIRST, () -> FIRST,
        address -> {
          throw new IOException("refused", new java.net.ConnectException("Connection refused"));
        }, Duration.ofSeconds(1), Clock.systemUTC()));
    assertTrue(never.getMessage().contains("did not come back within 1 s"), never.getMessage());
  }
}
