package dev.psyarn.ps.store;

import dev.psyarn.ps.transport.TailSink;
import dev.psyarn.ps.wire.DataMessages.ReceivedPush;
import dev.psyarn.ps.wire.DataMessages.StreamedPush;
import io.netty.buffer.ByteBuf;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * The sinks a server gives a push whose values arrive after its keys (a large frame's tail, see
 * {@link StreamedPush}): {@link Applying} adds them to the table a few rows at a time as they
 * come; {@link Gathering} collects them and hands the push on whole, for what needs it whole
 * (replicas to forward it to, a range being split, an application's own handle, a server not yet
 * open).
 */
final class PushStreams {

  /** Floats gathered before they are applied: a read's worth (Netty reads up to 64 KiB), in cache. */
  private static final int CHUNK = 16 * 1024;

  private PushStreams() {}

  /** Drops a push's values (it was applied before), then runs {@code onEnd}. */
  static TailSink dropping(Runnable onEnd) {
    return new TailSink() {
      @Override
      public void accept(ByteBuf bytes) {
        // applied before: not again
      }

      @Override
      public void end() {
        onEnd.run();
      }

      @Override
      public void abandon() {
        // nothing was applied
      }
    };
  }

  /** Little-endian floats from bytes that come in pieces of any length, written into {@link #target} up to {@link #limit}. */
  private abstract static class Floats implements TailSink {
    final float[] target;
    private final int limit;
    /** The floats written into {@link #target} so far (from its start). */
    int filled;
    private int carry;
    private int carried;

    Floats(float[] target, int limit) {
      this.target = target;
      this.limit = limit;
    }

    /** {@code n} more floats were written after {@link #filled}, which counts them now. */
    void wrote(int n) {}

    @Override
    public final void accept(ByteBuf bytes) {
      while (carried > 0 && carried < 4 && bytes.isReadable()) {
        carry |= (bytes.readByte() & 0xFF) << (8 * carried++);
        if (carried == 4) {
          target[filled++] = Float.intBitsToFloat(carry);
          carried = 0;
          carry = 0;
          wrote(1);
        }
      }
      while (bytes.readableBytes() >= Float.BYTES) {
        int n = Math.min(bytes.readableBytes() / Float.BYTES, limit - filled);
        if (n == 0) {
          throw new IllegalStateException("more values came than the push announced");
        }
        bytes.nioBuffer(bytes.readerIndex(), n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
            .get(target, filled, n);
        bytes.skipBytes(n * Float.BYTES);
        filled += n;
        wrote(n);
      }
      while (bytes.isReadable()) {
        carry |= (bytes.readByte() & 0xFF) << (8 * carried++);
      }
      pieceDone();
    }

    /** The piece's bytes are all in. */
    void pieceDone() {}
  }

  /**
   * Adds a push's values to its table as they arrive, whole rows at a time under the table's lock;
   * the first {@code skip} rows (applied before, by a push cut off mid-way) are dropped.
   */
  static final class Applying extends Floats {
    private final Object lock;
    private final TableRows rows;
    private final int width;
    private final Runnable onEnd;
    private final IntConsumer onAbandon;
    private long skipFloats;
    private final int skipped;

    /**
     * @param onEnd run once every row is applied
     * @param onAbandon given the rows applied (skipped ones included) when the values stop short
     */
    Applying(Object lock, TableRows rows, int width, int skip, Runnable onEnd, IntConsumer onAbandon) {
      super(new float[Math.max(CHUNK / width, 2) * width], Math.max(CHUNK / width, 2) * width);
      this.lock = lock;
      this.rows = rows;
      this.width = width;
      this.skipFloats = (long) skip * width;
      this.onEnd = onEnd;
      this.onAbandon = onAbandon;
      this.skipped = skip;
    }

    @Override
    void wrote(int n) {
      if (skipFloats > 0) {
        int dropped = (int) Math.min(skipFloats, filled);
        System.arraycopy(target, dropped, target, 0, filled - dropped);
        filled -= dropped;
        skipFloats -= dropped;
      }
      if (filled == target.length) {
        apply(filled / width);
      }
    }

    @Override
    void pieceDone() {
      apply(filled / width);
    }

    private void apply(int whole) {
      if (whole == 0) {
        return;
      }
      synchronized (lock) {
        rows.add(target, whole);
      }
      int rest = filled - whole * width;
      System.arraycopy(target, whole * width, target, 0, rest);
      filled = rest;
    }

    @Override
    public void end() {
      apply(filled / width);
      onEnd.run();
    }

    @Override
    public void abandon() {
      onAbandon.accept(skipped + rows.applied());
    }
  }

  /**
   * The array a gathered push's values are in, lent to whoever handles the push: given back when
   * the handling returns, unless it {@link #keep keeps} it (to give back itself later).
   */
  static final class Loan {
    private final float[] array;
    private boolean kept;

    Loan(float[] array) {
      this.array = array;
    }

    /** The array, now the caller's to give back. */
    float[] keep() {
      kept = true;
      return array;
    }
  }

  /** Collects a push's values in a lent array, then hands the push on whole, as a view of that array. */
  static final class Gathering extends Floats {
    private final StreamedPush push;
    private final LentArrays arrays;
    private final BiConsumer<ReceivedPush, Loan> whole;

    Gathering(StreamedPush push, LentArrays arrays, BiConsumer<ReceivedPush, Loan> whole) {
      super(arrays.borrow(push.valueCount()), push.valueCount());
      this.push = push;
      this.arrays = arrays;
      this.whole = whole;
    }

    @Override
    public void end() {
      Loan loan = new Loan(target);
      try {
        whole.accept(new ReceivedPush(push.table(), push.keys(), FloatBuffer.wrap(target, 0, filled), push.origin(),
            push.seq()), loan);
      } finally {
        if (!loan.kept) {
          arrays.giveBack(target); // the push is handled (or detached) by now
        }
      }
    }

    @Override
    public void abandon() {
      arrays.giveBack(target);
    }
  }
}
