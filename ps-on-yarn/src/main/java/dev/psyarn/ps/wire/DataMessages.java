package dev.psyarn.ps.wire;

import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.transport.FrameView;
import dev.psyarn.ps.transport.StreamedMessage;
import dev.psyarn.ps.transport.TailSink;
import java.nio.FloatBuffer;
import java.util.function.Consumer;

/** Data-plane messages: workers push to and pull from the servers that own their keys. */
public final class DataMessages {

  private DataMessages() {}

  /**
   * Creates a table if it does not exist yet; a table that exists must have the same width and
   * updater.
   */
  public record CreateTable(int table, int width, UpdaterSpec updater) {}

  /**
   * Adds {@code values} (row-major, {@code width} floats a key) to the sorted {@code keys}. A push
   * with an {@code origin} of 0 or more is applied once: a server drops one whose {@code seq} is
   * not above the last it applied from that origin (a worker's pushes reach a server in order on
   * one connection, so a replacement that replays them skips what its predecessor had applied).
   * {@link #ANONYMOUS} pushes are always applied.
   */
  public record Push(int table, long[] keys, float[] values, int origin, long seq) {

    /** The origin of pushes that are never deduplicated. */
    public static final int ANONYMOUS = -1;

    /** A push that is always applied. */
    public Push(int table, long[] keys, float[] values) {
      this(table, keys, values, ANONYMOUS, 0);
    }
  }

  /**
   * A {@link Push} as a server's transport delivers it: the values ({@code width} floats a key)
   * are read through a view of the received frame, without an array of their own. The view is
   * valid only while the request is being handled, and must not be kept.
   */
  public record ReceivedPush(int table, long[] keys, FloatBuffer values, int origin, long seq) implements FrameView {

    @Override
    public ReceivedPush detached() {
      float[] copy = new float[values.remaining()];
      values.duplicate().get(copy);
      return new ReceivedPush(table, keys, FloatBuffer.wrap(copy), origin, seq);
    }
  }

  /**
   * A {@link Push} read from a large frame's head, its values to follow as they arrive: the server
   * gives it the {@link TailSink} that takes them ({@link #take}) before its handler returns, and
   * acknowledges the push when the sink ends. {@code valueCount} floats follow, little-endian. A
   * {@link Replicate} is read the same way, with its {@link #range()}.
   */
  public static final class StreamedPush implements StreamedMessage {
    private final int range;
    private final int table;
    private final long[] keys;
    private final int valueCount;
    private final int origin;
    private final long seq;
    private TailSink tail;

    /** A worker's push. */
    public StreamedPush(int table, long[] keys, int valueCount, int origin, long seq) {
      this(-1, table, keys, valueCount, origin, seq);
    }

    /** A push forwarded by the holder of range {@code range} to its replica ({@link Replicate}); -1: a worker's. */
    public StreamedPush(int range, int table, long[] keys, int valueCount, int origin, long seq) {
      this.range = range;
      this.table = table;
      this.keys = keys;
      this.valueCount = valueCount;
      this.origin = origin;
      this.seq = seq;
    }

    /** The range a holder forwarded this push for, or -1 for a worker's push. */
    public int range() {
      return range;
    }

    public int table() {
      return table;
    }

    public long[] keys() {
      return keys;
    }

    public int valueCount() {
      return valueCount;
    }

    public int origin() {
      return origin;
    }

    public long seq() {
      return seq;
    }

    /** Sets where the values go. */
    public void take(TailSink sink) {
      this.tail = sink;
    }

    @Override
    public TailSink tail() {
      return tail;
    }
  }

  /**
   * Asks for the values of the sorted {@code keys}; missing keys read as zeros. The server answers
   * once every worker's clock has reached {@code minClock} ({@link Integer#MIN_VALUE}: at once).
   */
  public record Pull(int table, long[] keys, int minClock) {}

  /**
   * The answer to a {@link Pull} as a worker receives it: {@code width} floats a key, in the
   * request's key order, and the server's clock (the slowest worker's) when it answered. Received
   * over the network, {@code values} is a view of the frame that is valid while the answer is
   * being delivered (see {@link dev.psyarn.ps.transport.PeerChannel#call(Object, java.util.function.Function)});
   * {@link #detached} copies it out.
   */
  public record PullResult(FloatBuffer values, int clock) implements FrameView {

    /** An answer of these values (tests, in-process callers). */
    public PullResult(float[] values, int clock) {
      this(FloatBuffer.wrap(values), clock);
    }

    /** The values as an array of their own. */
    public float[] toArray() {
      float[] out = new float[values.remaining()];
      values.duplicate().get(out);
      return out;
    }

    @Override
    public PullResult detached() {
      return new PullResult(toArray(), clock);
    }
  }

  /**
   * The answer to a {@link Pull} as a server sends it: {@code count} floats that {@code values}
   * writes into the buffer it is given when the answer is encoded, straight from the table
   * (a frame's memory over the network), so the server allocates no array for them. Answers
   * arrive as a {@link PullResult}; an in-process caller receives this and calls {@code values}.
   */
  public record PullAnswer(int count, int clock, Consumer<FloatBuffer> values) {}

  /**
   * Asks a server for every key it holds in {@code table} of key range {@code range} (the index of
   * the server whose range it is; -1: the server's own).
   */
  public record ListKeys(int table, int range) {}

  /** The answer to {@link ListKeys}: the server's keys, sorted. */
  public record KeyList(long[] keys) {}

  /** Asks a server how far it has applied worker {@code worker}'s work to key range {@code range} (-1: its own). */
  public record Progress(int worker, int range) {}

  /**
   * The answer to {@link Progress}: the last push sequence number applied from the worker (0 for
   * none) and the worker's clock (the last iteration whose pushes are all applied; -1 for none).
   */
  public record ProgressReply(long lastSeq, int clock) {}

  /**
   * A push the holder of key range {@code range} applied, forwarded to a replica of the range:
   * applied once (by origin and sequence, as a {@link Push}) and never forwarded again. On the
   * wire as a bulk message; received, its values are a view of the frame, as a
   * {@link ReceivedPush}'s.
   */
  public record Replicate(int range, int table, long[] keys, FloatBuffer values, int origin, long seq)
      implements FrameView {

    @Override
    public Replicate detached() {
      float[] copy = new float[values.remaining()];
      values.duplicate().get(copy);
      return new Replicate(range, table, keys, FloatBuffer.wrap(copy), origin, seq);
    }
  }

  /**
   * A replacement server ({@code server}, listening at {@code host}:{@code port}) asks a holder of
   * key range {@code range} for the range: answered with a copy of its tables, after which every
   * push of the range is forwarded to the replacement too.
   */
  public record Handover(int range, int server, String host, int port) {}

  /**
   * The answer to {@link Handover}: the range as a snapshot's bytes (see {@code Checkpoints.encode})
   * and the other replicas the holder forwards the range's pushes to ("host:port").
   */
  public record HandoverReply(byte[] snapshot, String[] replicas) {}

  /** Asks a server which restores from a checkpoint its ranges went through. */
  public record Recovery() {}

  /** How a server's error answer begins when it gives a held pull back because the servers changed layout. */
  public static final String LAYOUT_CHANGED = "the servers changed layout: ";

  /**
   * A server of a new layout (server flex) asks the holder of old range {@code range} for the keys
   * of it that its new range {@code target} takes: the new layout has {@code numServers} servers,
   * keys routed by {@code partitioner} with {@code virtualNodes}. Answered with {@link FetchReply}.
   */
  public record Fetch(int range, int target, String partitioner, int numServers, int virtualNodes) {}

  /** The keys asked for, each table's values and ledger, and the workers' clocks, as a checkpoint file encodes them. */
  public record FetchReply(byte[] snapshot) {}

  /**
   * The answer to {@link Recovery}: restore i took the ranges back to clock {@code restoredClocks[i]},
   * where worker w's last applied push was {@code restoredSeqs[i * workers + w]}; its first push
   * after was {@code resumedSeqs[...]} and its first clock {@code resumedClocks[...]} (-1: none came).
   * The pushes numbered in between were lost on this server.
   */
  public record RecoveryReply(int[] restoredClocks, int[] resumedClocks, long[] restoredSeqs, long[] resumedSeqs) {}

  /** Worker {@code worker} has pushed everything of iteration {@code clock}. */
  public record Clock(int worker, int clock) {}

  /** The answer to a request that returns nothing. */
  public record Ack() {}
}
