package dev.psyarn.ps.transport;

import java.util.concurrent.CompletableFuture;

/**
 * A request/response channel to one peer: a network {@link RpcClient}, or an in-process channel in
 * tests. The future fails with {@link RemoteException} when the peer answered with an error.
 */
public interface PeerChannel extends AutoCloseable {

  CompletableFuture<Object> call(Object request);

  @Override
  void close();
}
