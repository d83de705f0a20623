package dev.psyarn.ps.worker;

import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.wire.DataMessages.Clock;
import dev.psyarn.ps.wire.DataMessages.CreateTable;
import dev.psyarn.ps.wire.DataMessages.KeyList;
import dev.psyarn.ps.wire.DataMessages.ListKeys;
import dev.psyarn.ps.wire.DataMessages.Progress;
import dev.psyarn.ps.wire.DataMessages.ProgressReply;
import dev.psyarn.ps.wire.DataMessages.Pull;
import dev.psyarn.ps.wire.DataMessages.PullAnswer;
import dev.psyarn.ps.wire.DataMessages.PullResult;
import dev.psyarn.ps.wire.DataMessages.Push;
import dev.psyarn.ps.wire.DataMessages.Recovery;
import dev.psyarn.ps.wire.DataMessages.RecoveryReply;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A worker's view of the servers. {@link #push} and {@link #pull} split a request by the
 * {@link Partitioner}, send each server its keys (still sorted) in parallel and return at once with
 * a timestamp; {@link #waitFor} blocks until that request has completed on every server. Keys must
 * be sorted ascending. Thread-safe.
 */
public final class KVWorker implements AutoCloseable {

  /** The servers and how keys map onto them; replaced whole when the servers change layout. */
  private volatile Layout layout;
  private final LayoutGate gate = new LayoutGate();
  private final int worker;
  private final java.util.concurrent.atomic.AtomicInteger lastServerClock =
      new java.util.concurrent.atomic.AtomicInteger(Integer.MIN_VALUE);
  private final Map<Long, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> widths = new ConcurrentHashMap<>();
  private final AtomicLong clock = new AtomicLong();
  /** Whether pushes carry this worker's index and a sequence (see {@link #identified}). */
  private final boolean identified;
  /** The last push sequence number; guarded by {@code this} when identified. */
  private long pushSeq;

  /** Worker 0 over these servers; {@code servers.get(i)} is server {@code i} of the partitioner. */
  public KVWorker(Partitioner partitioner, List<? extends PeerChannel> servers) {
    this(0, partitioner, servers);
  }

  /** Worker {@code worker} over these servers; {@code servers.get(i)} is server {@code i}. */
  public KVWorker(int worker, Partitioner partitioner, List<? extends PeerChannel> servers) {
    this(worker, partitioner, servers, false);
  }

  /**
   * Worker {@code worker} of a job, whose pushes carry its index and a sequence number 1, 2, 3...
   * so that servers apply each once: a replacement worker that replays its predecessor's pushes in
   * the same order adds only what the predecessor had not. Only one such client may exist for an
   * index at a time, and its pushes must come in a deterministic order for replays to line up.
   */
  public static KVWorker identified(int worker, Partitioner partitioner, List<? extends PeerChannel> servers) {
    return new KVWorker(worker, partitioner, servers, true);
  }

  private KVWorker(int worker, Partitioner partitioner, List<? extends PeerChannel> servers, boolean identified) {
    this.identified = identified;
    if (partitioner.numServers() != servers.size()) {
      throw new IllegalArgumentException("the partitioner has " + partitioner.numServers() + " servers but "
          + servers.size() + " are connected");
    }
    this.layout = new Layout(new Router(partitioner), List.copyOf(servers));
    this.worker = worker;
  }

  /** The servers of one layout and how requests are routed to them. */
  private record Layout(Router router, List<PeerChannel> servers) {}

  /**
   * Pauses for the servers' change of layout {@code change} (server flex): requests from now on
   * wait until {@link #resume}.
   */
  public void pause(int change) {
    gate.pause(change);
  }

  /**
   * The change this worker is quiescent for (-1 while it is not): paused, every push and clock it
   * sent answered, and every earlier pull taken in by its server. The first call with the rest in place sends the servers a probe behind the earlier requests.
   */
  public int quiescentFor() {
    return gate.quiescentFor(() -> {
      List<CompletableFuture<Object>> probes = new ArrayList<>();
      for (PeerChannel server : layout.servers()) {
        probes.add(server.call(new Recovery()));
      }
      return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new));
    });
  }

  /**
   * Runs on over the servers of the new layout ({@code servers.get(i)} is server i of
   * {@code partitioner}); pulls that a server gave back while it changed layout are sent again.
   */
  public void resume(Partitioner partitioner, List<? extends PeerChannel> servers) {
    if (partitioner.numServers() != servers.size()) {
      throw new IllegalArgumentException("the partitioner has " + partitioner.numServers() + " servers but "
          + servers.size() + " are connected");
    }
    gate.resume(() -> layout = new Layout(new Router(partitioner), List.copyOf(servers)));
  }

  /** Whether the worker waits for the servers to change layout. */
  public boolean paused() {
    return gate.paused();
  }

  /** The servers of the current layout. */
  public int numServers() {
    return layout.servers().size();
  }

  /** Creates a table of {@code width} floats a key, whose pushes are summed, on every server. */
  public void createTable(int table, int width) {
    createTable(table, width, UpdaterSpec.SUM);
  }

  /** Creates a table of {@code width} floats a key on every server, updated by {@code updater}. */
  public void createTable(int table, int width, UpdaterSpec updater) {
    gate.enter();
    List<CompletableFuture<Object>> acks = new ArrayList<>();
    for (PeerChannel server : layout.servers()) {
      acks.add(server.call(new CreateTable(table, width, updater)));
    }
    join(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
    widths.put(table, width);
  }

  /**
   * Adds {@code values} ({@code width} floats a key) to the keys' values on their servers. As in
   * ps-lite, the arrays are the request until it completes: change them only after
   * {@link #waitFor} of the returned timestamp.
   */
  public long push(int table, long[] keys, float[] values) {
    int width = width(table);
    if (values.length != (long) keys.length * width) {
      throw new IllegalArgumentException(keys.length + " keys need " + (long) keys.length * width
          + " values in table " + table + ", got " + values.length);
    }
    checkSorted(keys);
    if (identified) {
      synchronized (this) { // sequence numbers reach each connection in the order they are given
        return sendPush(table, keys, values, width, worker, ++pushSeq);
      }
    }
    return sendPush(table, keys, values, width, Push.ANONYMOUS, 0);
  }

  /**
   * A push applied once per ({@code origin}, {@code seq}): apps that hand work out in pieces name
   * the piece as origin (see {@link #PIECE_ORIGINS}), so a piece redone by another worker adds
   * nothing its first worker had applied.
   */
  public long pushAs(int origin, long seq, int table, long[] keys, float[] values) {
    int width = width(table);
    if (values.length != (long) keys.length * width) {
      throw new IllegalArgumentException(keys.length + " keys need " + (long) keys.length * width
          + " values in table " + table + ", got " + values.length);
    }
    checkSorted(keys);
    return sendPush(table, keys, values, width, origin, seq);
  }

  /** Origins from here on name pieces of work; below, worker indexes. */
  public static final int PIECE_ORIGINS = 1 << 20;

  private long sendPush(int table, long[] keys, float[] values, int width, int origin, long seq) {
    gate.enterSending();
    Layout l = layout;
    Router.Routing routing = l.router().route(keys);
    List<CompletableFuture<Object>> parts = new ArrayList<>();
    for (int s = 0; s < l.servers().size(); s++) {
      int[] at = routing.positions()[s];
      if (at == null) {
        continue;
      }
      float[] slice;
      if (routing.keys()[s] == keys) {
        slice = values; // one server holds every key: the request is the caller's arrays
      } else {
        slice = new float[at.length * width];
        for (int i = 0; i < at.length; i++) {
          System.arraycopy(values, at[i] * width, slice, i * width, width);
        }
      }
      parts.add(l.servers().get(s).call(new Push(table, routing.keys()[s], slice, origin, seq)));
    }
    return track(sending(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))));
  }

  /**
   * How far the servers have applied this worker's work, as a predecessor with its index left it:
   * the push sequence number and the clock that every server has applied (the smallest over the
   * servers; a server applies one worker's pushes in order, so everything up to it is in). A
   * replacement resumes after it instead of redoing what is done; a fresh worker gets (0, -1).
   */
  public ProgressReply progress() {
    return progress(worker);
  }

  /**
   * How far the servers have applied the pushes of {@code origin} (a worker index, or a piece's
   * origin as {@link #pushAs} names it): the smallest over the servers of the last push number
   * applied, and of the origin's clock (-1 for an origin that sends none).
   */
  public ProgressReply progress(int origin) {
    gate.enter();
    List<PeerChannel> servers = layout.servers();
    List<CompletableFuture<Object>> answers = new ArrayList<>();
    for (int s = 0; s < servers.size(); s++) {
      answers.add(servers.get(s).call(new Progress(origin, s)));
    }
    join(CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)));
    long seq = Long.MAX_VALUE;
    int clockNow = Integer.MAX_VALUE;
    for (CompletableFuture<Object> answer : answers) {
      ProgressReply r = (ProgressReply) answer.join();
      seq = Math.min(seq, r.lastSeq());
      clockNow = Math.min(clockNow, r.clock());
    }
    return new ProgressReply(seq, clockNow);
  }

  /**
   * The next push is numbered after {@code seq} (or after the last one, if that is higher): apps
   * that number their pushes by their own progress (one push a step, some steps none) keep a
   * replacement's numbers in line with its predecessor's.
   */
  public void continueAfter(long seq) {
    synchronized (this) {
      pushSeq = Math.max(pushSeq, seq);
    }
  }

  /** Reads the keys' current values into {@code out} ({@code width} floats a key) once waited for. */
  public long pull(int table, long[] keys, float[] out) {
    return pull(table, keys, out, Integer.MIN_VALUE);
  }

  /**
   * Reads the keys' values into {@code out} once every worker's clock has reached
   * {@code minClock} on every server (see {@link Consistency#requiredClock}).
   */
  public long pull(int table, long[] keys, float[] out, int minClock) {
    int width = width(table);
    if (out.length != (long) keys.length * width) {
      throw new IllegalArgumentException(keys.length + " keys need an output of "
          + (long) keys.length * width + " floats in table " + table + ", got " + out.length);
    }
    checkSorted(keys);
    gate.enter();
    return track(pullOnce(table, keys, out, minClock, width));
  }

  /**
   * Sends a pull by the current layout; when a server gives it back because the servers changed
   * layout meanwhile, sends it again by the next one once the worker runs again.
   */
  private CompletableFuture<Void> pullOnce(int table, long[] keys, float[] out, int minClock, int width) {
    Layout l = layout;
    Router.Routing routing = l.router().route(keys);
    List<CompletableFuture<Object>> parts = new ArrayList<>();
    for (int s = 0; s < l.servers().size(); s++) {
      int[] at = routing.positions()[s];
      if (at == null) {
        continue;
      }
      boolean whole = routing.keys()[s] == keys; // one server, the keys in their own order
      int server = s;
      int expected = whole ? out.length : at.length * width;
      // Copied into out as the answer arrives, from the frame it arrived in.
      parts.add(l.servers().get(s).call(new Pull(table, routing.keys()[s], minClock), answer -> {
        FloatBuffer values = received(answer, server, expected, whole ? out : null);
        if (values != null) {
          if (whole) {
            values.get(out, 0, out.length);
          } else {
            for (int i = 0; i < at.length; i++) {
              values.get(out, at[i] * width, width);
            }
          }
        }
        return answer;
      }));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).exceptionallyCompose(e ->
        givenBack(e) ? gate.running().thenCompose(v -> pullOnce(table, keys, out, minClock, width))
            : CompletableFuture.failedFuture(e));
  }

  /** Whether a server gave a request back because the servers changed layout while it waited. */
  private static boolean givenBack(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return cause instanceof dev.psyarn.ps.transport.RemoteException
        && String.valueOf(cause.getMessage()).startsWith(dev.psyarn.ps.wire.DataMessages.LAYOUT_CHANGED);
  }

  /** Counts a push or clock in flight for the gate until it is answered. */
  private CompletableFuture<Void> sending(CompletableFuture<Void> request) {
    return request.whenComplete((ok, e) -> gate.done());
  }

  /**
   * The values of a pull's answer to copy from, once checked to be the {@code expected} count, or
   * null when they were written into {@code whole} already (an in-process server's answer, given
   * the caller's array).
   */
  private FloatBuffer received(Object answer, int server, int expected, float[] whole) {
    PullResult result = answer instanceof PullResult r ? r : null;
    PullAnswer direct = result == null ? (PullAnswer) answer : null;
    int count = result != null ? result.values().remaining() : direct.count();
    if (count != expected) {
      throw new IllegalStateException("server " + server + " answered " + count + " values where " + expected
          + " were asked for");
    }
    lastServerClock.set(result != null ? result.clock() : direct.clock());
    if (result != null) {
      return result.values();
    }
    FloatBuffer values = whole != null ? FloatBuffer.wrap(whole) : FloatBuffer.allocate(count);
    direct.values().accept(values);
    return whole != null ? null : values.flip();
  }

  /**
   * Tells every server that this worker has completed {@code iteration}: its pushes so far are
   * sent (on the same connections, so they arrive first). Returns a timestamp to wait for.
   */
  public long clock(int iteration) {
    gate.enterSending();
    List<CompletableFuture<Object>> acks = new ArrayList<>();
    for (PeerChannel server : layout.servers()) {
      acks.add(server.call(new Clock(worker, iteration)));
    }
    return track(sending(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))));
  }

  /**
   * Sorts {@code keys[0..n)} and removes repeats in place, as requests need them; returns how many
   * distinct keys there are.
   */
  public static int sortDistinct(long[] keys, int n) {
    if (n == 0) {
      return 0;
    }
    java.util.Arrays.sort(keys, 0, n);
    int distinct = 1;
    for (int i = 1; i < n; i++) {
      if (keys[i] != keys[distinct - 1]) {
        keys[distinct++] = keys[i];
      }
    }
    return distinct;
  }

  /** Every key of {@code table} on every server, sorted (blocks). */
  public long[] keys(int table) {
    gate.enter();
    List<PeerChannel> servers = layout.servers();
    List<CompletableFuture<Object>> lists = new ArrayList<>();
    for (int s = 0; s < servers.size(); s++) {
      lists.add(servers.get(s).call(new ListKeys(table, s)));
    }
    join(CompletableFuture.allOf(lists.toArray(CompletableFuture[]::new)));
    long[][] parts = new long[lists.size()][];
    int total = 0;
    for (int s = 0; s < parts.length; s++) {
      parts[s] = ((KeyList) lists.get(s).join()).keys();
      total += parts[s].length;
    }
    long[] all = new long[total];
    int at = 0;
    for (long[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    java.util.Arrays.sort(all);
    return all;
  }

  /**
   * Each server's restores from checkpoints so far (in server order): which of each worker's
   * pushes a restore lost (see {@link RecoveryReply}). Blocks.
   */
  public List<RecoveryReply> recoveries() {
    gate.enter();
    List<CompletableFuture<Object>> answers = new ArrayList<>();
    for (PeerChannel server : layout.servers()) {
      answers.add(server.call(new Recovery()));
    }
    join(CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)));
    return answers.stream().map(a -> (RecoveryReply) a.join()).toList();
  }

  /** The server that holds {@code key}. */
  public int serverOf(long key) {
    return layout.router().partitioner().serverOf(key);
  }

  /** Whether the request with this timestamp has completed (successfully or not), without waiting. */
  public boolean done(long timestamp) {
    CompletableFuture<Void> request = inFlight.get(timestamp);
    return request == null || request.isDone();
  }

  /** The servers' clock (slowest worker) reported by the latest answered pull. */
  public int lastServerClock() {
    return lastServerClock.get();
  }

  /**
   * Blocks until the request with this timestamp has completed on every server.
   *
   * @throws CompletionException if a server failed it or its connection was lost
   */
  public void waitFor(long timestamp) {
    CompletableFuture<Void> request = inFlight.remove(timestamp);
    if (request != null) {
      join(request);
    }
  }

  /** Keys sent to each server so far, pushes and pulls: the load over key ranges. */
  public long[] keysSentPerServer() {
    AtomicLongArray keysSent = layout.router().keysSent();
    long[] out = new long[keysSent.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = keysSent.get(i);
    }
    return out;
  }

  @Override
  public void close() {
    layout.servers().forEach(PeerChannel::close);
  }

  private long track(CompletableFuture<Void> request) {
    long ts = clock.incrementAndGet();
    inFlight.put(ts, request);
    return ts;
  }

  private int width(int table) {
    Integer width = widths.get(table);
    if (width == null) {
      throw new IllegalStateException("table " + table + " was not created: call createTable first");
    }
    return width;
  }

  private static void checkSorted(long[] keys) {
    for (int i = 1; i < keys.length; i++) {
      if (keys[i] <= keys[i - 1]) {
        throw new IllegalArgumentException("keys must be sorted ascending without repeats; keys["
            + i + "] = " + keys[i] + " follows " + keys[i - 1]);
      }
    }
  }

  private static void join(CompletableFuture<?> future) {
    future.join();
  }
}
