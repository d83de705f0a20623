package dev.psyarn.ps.transport;

import java.io.IOException;

/** A connection whose peer could not prove it holds the application secret. */
public final class AuthenticationException extends IOException {
  public AuthenticationException(String message) {
    super(message);
  }
}
