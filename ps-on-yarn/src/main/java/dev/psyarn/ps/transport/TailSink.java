package dev.psyarn.ps.transport;

import io.netty.buffer.ByteBuf;

/**
 * Where the tail of a large frame goes as it arrives (a push's values, a read at a time) instead
 * of being gathered whole first: see {@link StreamedMessage}. Called on the connection's I/O
 * thread, in the order the bytes came; exactly one of {@link #end} and {@link #abandon} ends it.
 */
public interface TailSink {

  /** The next bytes of the tail: all of {@code bytes}' readable bytes, valid only during the call. */
  void accept(ByteBuf bytes);

  /** The tail has arrived whole. */
  void end();

  /** The connection closed (or failed) before the tail was whole. */
  void abandon();

  /** A sink that drops the tail (its message was answered when its head came). */
  TailSink DISCARD = new TailSink() {
    @Override
    public void accept(ByteBuf bytes) {
      // dropped
    }

    @Override
    public void end() {
      // nothing to do
    }

    @Override
    public void abandon() {
      // nothing to do
    }
  };
}
