package dev.psyarn.ps.transport;

/**
 * What a server does with each authenticated request. Runs on a Netty I/O thread: it must not
 * block, so slow work answers later through {@link Reply}.
 */
@FunctionalInterface
public interface RequestHandler {

  /** Handles one request; exactly one of the reply's methods must be called, now or later. */
  void handle(Object request, Reply reply);

  /** The answer to one request. */
  interface Reply {
    void ok(Object response);

    void error(String message);
  }
}
