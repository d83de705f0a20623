package dev.psyarn.ps.transport;

/**
 * A message read from the head of a large frame whose tail (a push's values) follows as it
 * arrives: the handler that takes the message gives it a {@link TailSink} before it returns, and
 * answers when the sink ends. A {@link BulkCodec} decides which frames are read so ({@link
 * BulkCodec#streamedHead}); the frame decoder then never gathers the tail.
 */
public interface StreamedMessage {

  /** The sink the handler gave, or null if it gave none (the tail is then dropped). */
  TailSink tail();
}
