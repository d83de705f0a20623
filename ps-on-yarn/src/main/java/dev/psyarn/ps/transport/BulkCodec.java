package dev.psyarn.ps.transport;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.Consumer;

/**
 * The wire form of messages that are mostly primitive arrays, written without Kryo: the arrays are
 * bulk-copied in little-endian order (a plain memory copy on the machines we run on).
 * {@link #kindOf} returns 0 for anything this codec does not handle.
 */
public interface BulkCodec {

  /** A kind from 1 to 127 for messages this codec writes, else 0. */
  byte kindOf(Object message);

  /** A size estimate for the output buffer (exact for bulk messages, small otherwise). */
  int sizeOf(Object message);

  void write(byte kind, Object message, ByteBuf out);

  Object read(byte kind, ByteBuf in);

  /**
   * Whether a large frame of {@code kind} is read as a head and a tail that a handler takes as it
   * arrives ({@link StreamedMessage}): the head's length in bytes (of the body, after the kind),
   * given the body's first bytes ({@code start}, at least {@link #PEEK} or the whole body) and its
   * length; -1 to gather the frame whole and {@link #read} it.
   */
  default int streamedHead(byte kind, ByteBuf start, int bodyLength) {
    return -1;
  }

  /** Reads the head of a frame {@link #streamedHead} chose to stream; {@code tailBytes} follow it. */
  default StreamedMessage readHead(byte kind, ByteBuf head, int tailBytes) {
    throw new IllegalArgumentException("no streamed bulk kind " + kind);
  }

  /**
   * For a message whose body ends with floats the encoder may write from the caller's array a
   * piece at a time as the socket takes it (a push's values, a forwarded push's): those floats, a
   * buffer over that array (its remaining floats), else null. {@link #writeHead} then writes the
   * rest of the body, which comes first.
   */
  default java.nio.FloatBuffer floatTail(Object message) {
    return null;
  }

  /** Writes the body of a message {@link #floatTail} gave an array for, without that array. */
  default void writeHead(byte kind, Object message, ByteBuf out) {
    throw new IllegalArgumentException("no bulk kind " + kind + " with a tail");
  }

  /** The bytes of a large frame's body that {@link #streamedHead} is given at least. */
  int PEEK = 48;

  /** A codec that handles nothing: every message goes through Kryo. */
  BulkCodec NONE = new BulkCodec() {
    @Override
    public byte kindOf(Object message) {
      return 0;
    }

    @Override
    public int sizeOf(Object message) {
      return 256;
    }

    @Override
    public void write(byte kind, Object message, ByteBuf out) {
      throw new IllegalArgumentException("no bulk kind " + kind);
    }

    @Override
    public Object read(byte kind, ByteBuf in) {
      throw new IllegalArgumentException("no bulk kind " + kind);
    }
  };

  /** Appends {@code values} to {@code out}. */
  static void writeLongs(ByteBuf out, long[] values) {
    int bytes = values.length * Long.BYTES;
    out.ensureWritable(bytes);
    ByteBuffer view = out.nioBuffer(out.writerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN);
    view.asLongBuffer().put(values);
    out.writerIndex(out.writerIndex() + bytes);
  }

  static void writeFloats(ByteBuf out, float[] values) {
    writeFloats(out, values, 0, values.length);
  }

  /** Appends {@code count} of {@code values} from {@code from}. */
  static void writeFloats(ByteBuf out, float[] values, int from, int count) {
    int bytes = count * Float.BYTES;
    out.ensureWritable(bytes);
    ByteBuffer view = out.nioBuffer(out.writerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN);
    view.asFloatBuffer().put(values, from, count);
    out.writerIndex(out.writerIndex() + bytes);
  }

  /**
   * Appends {@code count} floats that {@code writer} puts into the little-endian view of
   * {@code out} it is given (it must fill the view exactly).
   */
  static void writeFloats(ByteBuf out, int count, Consumer<FloatBuffer> writer) {
    int bytes = count * Float.BYTES;
    out.ensureWritable(bytes);
    FloatBuffer view = out.nioBuffer(out.writerIndex(), bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    writer.accept(view);
    if (view.hasRemaining()) {
      throw new IllegalStateException("wrote " + view.position() + " of " + count + " floats");
    }
    out.writerIndex(out.writerIndex() + bytes);
  }

  /** Reads {@code count} longs, checking the frame holds them before allocating. */
  static long[] readLongs(ByteBuf in, int count) {
    checkAvailable(in, count, Long.BYTES);
    long[] values = new long[count];
    in.nioBuffer(in.readerIndex(), count * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
    in.skipBytes(count * Long.BYTES);
    return values;
  }

  /**
   * A little-endian view of the next {@code count} floats of {@code in}, which it skips: valid
   * only as long as {@code in}'s memory is.
   */
  static FloatBuffer viewFloats(ByteBuf in, int count) {
    checkAvailable(in, count, Float.BYTES);
    FloatBuffer view = in.nioBuffer(in.readerIndex(), count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer();
    in.skipBytes(count * Float.BYTES);
    return view;
  }

  private static void checkAvailable(ByteBuf in, int count, int size) {
    if (count < 0 || (long) count * size > in.readableBytes()) {
      throw new IllegalArgumentException("frame claims " + count + " elements but holds "
          + in.readableBytes() + " bytes");
    }
  }
}
