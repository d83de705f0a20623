package dev.psyarn.ps.wire;

import dev.psyarn.ps.update.UpdaterSpec;

/** Data-plane messages: workers push to and pull from the servers that own their keys. */
public final class DataMessages {

  private DataMessages() {}

  /**
   * Creates a table if it does not exist yet; a table that exists must have the same width and
   * updater.
   */
  public record CreateTable(int table, int width, UpdaterSpec updater) {}

  /** Adds {@code values} (row-major, {@code width} floats a key) to the sorted {@code keys}. */
  public record Push(int table, long[] keys, float[] values) {}

  /**
   * Asks for the values of the sorted {@code keys}; missing keys read as zeros. The server answers
   * once every worker's clock has reached {@code minClock} ({@link Integer#MIN_VALUE}: at once).
   */
  public record Pull(int table, long[] keys, int minClock) {}

  /**
   * The answer to a {@link Pull}: {@code width} floats a key, in the request's key order, and the
   * server's clock (the slowest worker's) when it answered.
   */
  public record PullResult(float[] values, int clock) {}

  /** Asks a server for every key it holds in {@code table}. */
  public record ListKeys(int table) {}

  /** The answer to {@link ListKeys}: the server's keys, sorted. */
  public record KeyList(long[] keys) {}

  /** Worker {@code worker} has pushed everything of iteration {@code clock}. */
  public record Clock(int worker, int clock) {}

  /** The answer to a request that returns nothing. */
  public record Ack() {}
}
