package dev.psyarn.ps.transport;

/** A request that the remote side answered with an error. */
public final class RemoteException extends RuntimeException {
  public RemoteException(String message) {
    super(message);
  }
}
