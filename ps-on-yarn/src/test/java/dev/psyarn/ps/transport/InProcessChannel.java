package dev.psyarn.ps.transport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link PeerChannel} that calls a handler in this process: the transport edge of unit tests. */
public final class InProcessChannel implements PeerChannel {

  private final RequestHandler handler;
  private final AtomicInteger calls = new AtomicInteger();
  private volatile boolean closed;

  public InProcessChannel(RequestHandler handler) {
    this.handler = handler;
  }

  @Override
  public CompletableFuture<Object> call(Object request) {
    CompletableFuture<Object> future = new CompletableFuture<>();
    if (closed) {
      future.completeExceptionally(new IllegalStateException("closed"));
      return future;
    }
    calls.incrementAndGet();
    handler.handle(request, new RequestHandler.Reply() {
      @Override
      public void ok(Object response) {
        future.complete(response);
      }

      @Override
      public void error(String message) {
        future.completeExceptionally(new RemoteException(message));
      }
    });
    return future;
  }

  public int calls() {
    return calls.get();
  }

  @Override
  public void close() {
    closed = true;
  }
}
