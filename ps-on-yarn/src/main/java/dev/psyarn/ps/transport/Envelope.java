package dev.psyarn.ps.transport;

/**
 * One message on the wire: a request or its response, correlated by {@code id}.
 *
 * @param id the request id; a response carries its request's id
 * @param body the message, one of the classes {@link WireProtocol} registers, or an {@link Failure}
 */
record Envelope(long id, Object body) {

  /** The body of a response to a request that failed on the remote side. */
  record Failure(String message) {}
}
