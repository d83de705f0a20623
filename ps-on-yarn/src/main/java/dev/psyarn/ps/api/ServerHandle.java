package dev.psyarn.ps.api;

import java.nio.FloatBuffer;

/**
 * What a server does with a table's pushes and pulls, when the table's update rule is the app's
 * own rather than psyarn's per-key updaters (sum, SGD, AdaGrad, FTRL): ps-lite's request handle.
 * A handle keeps its own state for the keys of the server's range (a sketch, a histogram, a
 * model in a layout of its own) and answers pulls from it.
 *
 * <p>A worker names it by class in {@code kv.createTable(table, width, UpdaterSpec.custom(Class,
 * options))}; each server makes one instance per table (public constructor taking the
 * {@link dev.psyarn.ps.update.UpdaterSpec}, or none), from the app's jars. Calls on one table come
 * one at a time. The server still applies each push once (a push sent again after a lost
 * connection or by a replacement worker is dropped before the handle sees it).
 *
 * <p>A handle's state is its own, so psyarn cannot copy it: a table with a handle is refused in a
 * job with checkpoints or replication, and such a job's servers cannot be flexed. For a rule that
 * must survive a server's loss, write a per-key {@link dev.psyarn.ps.update.Updater} instead.
 */
public interface ServerHandle {

  /**
   * Applies a push: {@code keys} (sorted, all in this server's range) and their values,
   * {@code width} floats per key. The buffer is a view of the received message: read it now.
   */
  void push(long[] keys, FloatBuffer values, int width);

  /** Answers a pull: writes {@code width} floats per key of {@code keys} to {@code out}, in order. */
  void pull(long[] keys, FloatBuffer out, int width);

  /** Bytes of state the handle holds, for the server's metrics. */
  default long bytesUsed() {
    return 0;
  }
}
