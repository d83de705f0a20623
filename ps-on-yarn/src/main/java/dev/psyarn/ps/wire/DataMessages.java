package dev.psyarn.ps.wire;

/** Data-plane messages: workers push to and pull from the servers that own their keys. */
public final class DataMessages {

  private DataMessages() {}

  /** Creates a table if it does not exist yet; a table that exists must have the same width. */
  public record CreateTable(int table, int width) {}

  /** Adds {@code values} (row-major, {@code width} floats a key) to the sorted {@code keys}. */
  public record Push(int table, long[] keys, float[] values) {}

  /** Asks for the values of the sorted {@code keys}; missing keys read as zeros. */
  public record Pull(int table, long[] keys) {}

  /** The answer to a {@link Pull}: {@code width} floats a key, in the request's key order. */
  public record PullResult(float[] values) {}

  /** The answer to a request that returns nothing. */
  public record Ack() {}
}
