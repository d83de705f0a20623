package dev.psyarn.ps.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.transport.RemoteException;
import dev.psyarn.ps.wire.DataMessages.Clock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A worker's link to a server following the server to its replacement, with fake servers. */
class ServerLinkTest {

  /** A server that answers what it hears once told to, or loses every unanswered request when it dies. */
  static final class FakeServer implements PeerChannel {
    final List<Object> heard = new ArrayList<>();
    final List<CompletableFuture<Object>> open = new ArrayList<>();
    boolean answerAtOnce;

    @Override
    public synchronized CompletableFuture<Object> call(Object request) {
      heard.add(request);
      if (answerAtOnce) {
        return CompletableFuture.completedFuture("ok:" + request);
      }
      CompletableFuture<Object> f = new CompletableFuture<>();
      open.add(f);
      return f;
    }

    synchronized void answerAll() {
      for (int i = 0; i < open.size(); i++) {
        open.get(i).complete("ok:" + heard.get(heard.size() - open.size() + i));
      }
      open.clear();
    }

    synchronized void die() {
      open.forEach(f -> f.completeExceptionally(new IOException("connection reset")));
      open.clear();
    }

    @Override
    public void close() {}
  }

  private static final InetSocketAddress FIRST = new InetSocketAddress("127.0.0.1", 1);
  private static final InetSocketAddress SECOND = new InetSocketAddress("127.0.0.1", 2);

  @Test
  void aLostServersUnansweredRequestsGoToItsReplacementInTheirOrderAfterTheLastAnsweredClock() throws Exception {
    FakeServer first = new FakeServer();
    FakeServer second = new FakeServer();
    second.answerAtOnce = true;
    List<InetSocketAddress> asked = new ArrayList<>();
    ServerLink link = new ServerLink(3, first, FIRST, (server, failed) -> {
      assertEquals(3, server);
      asked.add(failed);
      return SECOND;
    }, address -> {
      assertEquals(SECOND, address);
      return second;
    });
    CompletableFuture<Object> push1 = link.call("push-1");
    CompletableFuture<Object> clock1 = link.call(new Clock(0, 1));
    first.answerAll();
    assertEquals("ok:push-1", push1.get());
    clock1.get();
    CompletableFuture<Object> push2 = link.call("push-2");
    CompletableFuture<Object> pull = link.call("pull", answer -> "read " + answer);
    CompletableFuture<Object> clock2 = link.call(new Clock(0, 2));
    first.die();

    assertEquals("ok:push-2", push2.get(5, TimeUnit.SECONDS));
    assertEquals("read ok:pull", pull.get(5, TimeUnit.SECONDS));
    clock2.get(5, TimeUnit.SECONDS);
    assertEquals(List.of(FIRST), asked);
    assertEquals(List.of(new Clock(0, 1), "push-2", "pull", new Clock(0, 2)), second.heard,
        "the last answered clock first, then the unanswered requests in their order; never push-1 again");
    assertEquals(1, link.reconnects());
    assertEquals("ok:later", link.call("later").get(5, TimeUnit.SECONDS));
  }

  @Test
  void anErrorOfTheServersIsNotRetriedAndNoReplacementFailsThePendingRequests() throws Exception {
    PeerChannel refusing = new PeerChannel() {
      @Override
      public CompletableFuture<Object> call(Object request) {
        return CompletableFuture.failedFuture(new RemoteException("no table 9"));
      }

      @Override
      public void close() {}
    };
    ServerLink link = new ServerLink(0, refusing, FIRST, (server, failed) -> {
      throw new AssertionError("an answer is not a lost server");
    }, address -> refusing);
    CompletionException e = assertThrows(CompletionException.class, () -> link.call("pull").join());
    assertInstanceOf(RemoteException.class, e.getCause());

    FakeServer dying = new FakeServer();
    ServerLink orphan = new ServerLink(1, dying, FIRST, (server, failed) -> {
      throw new IllegalStateException("the job failed: server 1 is lost and not replaced");
    }, address -> dying);
    CompletableFuture<Object> push = orphan.call("push");
    dying.die();
    CompletionException lost = assertThrows(CompletionException.class, () -> push.join());
    assertTrue(lost.getCause().getMessage().contains("server 1 was lost"), lost.getCause().getMessage());
  }
}
