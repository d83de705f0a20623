package dev.psyarn.ps.transport;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A request/response channel to one peer: a network {@link RpcClient}, or an in-process channel in
 * tests. The future fails with {@link RemoteException} when the peer answered with an error.
 */
public interface PeerChannel extends AutoCloseable {

  CompletableFuture<Object> call(Object request);

  /**
   * As {@link #call(Object)}, applying {@code onArrival} to the answer as it is delivered, before
   * the future completes with its result: the one place where an answer that is a
   * {@link FrameView} may be read in place (a network channel runs it on its I/O thread).
   */
  default <T> CompletableFuture<T> call(Object request, Function<Object, ? extends T> onArrival) {
    return call(request).thenApply(onArrival);
  }

  @Override
  void close();
}
