package dev.psyarn.ps.worker;

import dev.psyarn.ps.transport.PeerChannel;
import dev.psyarn.ps.wire.DataMessages.CreateTable;
import dev.psyarn.ps.wire.DataMessages.Pull;
import dev.psyarn.ps.wire.DataMessages.PullResult;
import dev.psyarn.ps.wire.DataMessages.Push;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A worker's view of the servers. {@link #push} and {@link #pull} slice a request by the servers'
 * key ranges, send the slices in parallel and return at once with a timestamp; {@link #waitFor}
 * blocks until that request has completed on every server. Keys must be sorted ascending.
 * Thread-safe.
 */
public final class KVWorker implements AutoCloseable {

  private final KeyRanges ranges;
  private final List<PeerChannel> servers;
  private final Map<Long, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> widths = new ConcurrentHashMap<>();
  private final AtomicLong clock = new AtomicLong();
  private final AtomicLongArray keysSent;

  /** A worker over these servers; {@code servers.get(i)} owns range {@code i}. */
  public KVWorker(KeyRanges ranges, List<? extends PeerChannel> servers) {
    if (ranges.size() != servers.size()) {
      throw new IllegalArgumentException(ranges.size() + " key ranges but " + servers.size() + " servers");
    }
    this.ranges = ranges;
    this.servers = List.copyOf(servers);
    this.keysSent = new AtomicLongArray(servers.size());
  }

  /** Creates a table of {@code width} floats a key on every server and waits for them. */
  public void createTable(int table, int width) {
    List<CompletableFuture<Object>> acks = new ArrayList<>();
    for (PeerChannel server : servers) {
      acks.add(server.call(new CreateTable(table, width)));
    }
    join(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
    widths.put(table, width);
  }

  /** Adds {@code values} ({@code width} floats a key) to the keys' values on their servers. */
  public long push(int table, long[] keys, float[] values) {
    int width = width(table);
    if (values.length != (long) keys.length * width) {
      throw new IllegalArgumentException(keys.length + " keys need " + (long) keys.length * width
          + " values in table " + table + ", got " + values.length);
    }
    checkSorted(keys);
    int[] bounds = ranges.slice(keys);
    List<CompletableFuture<Object>> parts = new ArrayList<>();
    for (int s = 0; s < servers.size(); s++) {
      int from = bounds[s];
      int to = bounds[s + 1];
      if (from == to) {
        continue;
      }
      long[] sliceKeys = Arrays.copyOfRange(keys, from, to);
      float[] sliceValues = Arrays.copyOfRange(values, from * width, to * width);
      keysSent.addAndGet(s, to - from);
      parts.add(servers.get(s).call(new Push(table, sliceKeys, sliceValues)));
    }
    return track(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)));
  }

  /** Reads the keys' values into {@code out} ({@code width} floats a key) once waited for. */
  public long pull(int table, long[] keys, float[] out) {
    int width = width(table);
    if (out.length != (long) keys.length * width) {
      throw new IllegalArgumentException(keys.length + " keys need an output of "
          + (long) keys.length * width + " floats in table " + table + ", got " + out.length);
    }
    checkSorted(keys);
    int[] bounds = ranges.slice(keys);
    List<CompletableFuture<Object>> parts = new ArrayList<>();
    for (int s = 0; s < servers.size(); s++) {
      int from = bounds[s];
      int to = bounds[s + 1];
      if (from == to) {
        continue;
      }
      keysSent.addAndGet(s, to - from);
      parts.add(servers.get(s).call(new Pull(table, Arrays.copyOfRange(keys, from, to)))
          .thenApply(result -> {
            float[] values = ((PullResult) result).values();
            System.arraycopy(values, 0, out, from * width, values.length);
            return result;
          }));
    }
    return track(CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)));
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
    long[] out = new long[keysSent.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = keysSent.get(i);
    }
    return out;
  }

  @Override
  public void close() {
    servers.forEach(PeerChannel::close);
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
