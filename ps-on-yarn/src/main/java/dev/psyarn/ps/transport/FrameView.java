package dev.psyarn.ps.transport;

/**
 * A received message that reads part of its content from the frame it arrived in, valid only
 * while that message is being delivered. Callers that keep it past then take {@link #detached}.
 */
public interface FrameView {

  /** The same message with its content copied out of the frame. */
  Object detached();
}
