package dev.psyarn.ps.worker;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How a worker splits its requests over the servers of one layout: each server's keys (still
 * sorted) and their positions in the request, by the {@link Partitioner}; the last two routings
 * are kept, so a push of the key array just pulled is not routed again; and the keys sent to each
 * server. A new layout gets a new router. Thread-safe.
 */
final class Router {

  private final Partitioner partitioner;
  private final AtomicLongArray keysSent;

  Router(Partitioner partitioner) {
    this.partitioner = partitioner;
    this.keysSent = new AtomicLongArray(partitioner.numServers());
  }

  Partitioner partitioner() {
    return partitioner;
  }

  /** Keys sent to each server so far, pushes and pulls. */
  AtomicLongArray keysSent() {
    return keysSent;
  }

  /** The positions of a server that owns every key of a request (its keys are the request's array). */
  static final int[] ALL_KEYS = new int[0];

  /** Each server's keys (in order) and their positions in the request; null for servers with none. */
  record Routing(long[][] keys, int[][] positions) {

    /** Whether these are still the keys routed (the caller may have refilled the same array). */
    boolean holds(long[] request) {
      int total = 0;
      for (int s = 0; s < keys.length; s++) {
        if (keys[s] == null) {
          continue;
        }
        if (positions[s] == ALL_KEYS) {
          return false; // one server owned them all: whether it still does, only routing tells
        }
        total += keys[s].length;
        for (int j = 0; j < keys[s].length; j++) {
          if (request[positions[s][j]] != keys[s][j]) {
            return false;
          }
        }
      }
      return total == request.length;
    }
  }

  /** The last two routings and their key arrays: a push of the keys just pulled is not routed again. */
  private volatile Routed lastRouted;
  private volatile Routed previousRouted;

  private record Routed(long[] keys, Routing routing) {

    boolean routes(long[] request) {
      return keys == request && routing.holds(request);
    }
  }

  /** Each server's part of a sorted request, counted as sent to that server. */
  Routing route(long[] keys) {
    Routed last = lastRouted;
    Routed previous = previousRouted;
    Routing routing = last != null && last.routes(keys) ? last.routing
        : previous != null && previous.routes(keys) ? previous.routing : null;
    if (routing == null) {
      routing = routeAnew(keys);
      previousRouted = last;
      lastRouted = new Routed(keys, routing);
    }
    for (int s = 0; s < routing.keys.length; s++) {
      if (routing.keys[s] != null) {
        keysSent.addAndGet(s, routing.keys[s].length);
      }
    }
    return routing;
  }

  private Routing routeAnew(long[] keys) {
    int n = partitioner.numServers();
    if (n == 1) {
      return new Routing(new long[][] {keys}, new int[][] {ALL_KEYS}); // nothing to look up
    }
    int[] owner = new int[keys.length];
    int[] counts = new int[n];
    for (int i = 0; i < keys.length; i++) {
      owner[i] = partitioner.serverOf(keys[i]);
      counts[owner[i]]++;
    }
    long[][] perServer = new long[n][];
    int[][] positions = new int[n][];
    for (int s = 0; s < n; s++) {
      if (counts[s] == keys.length) {
        // Every key on one server: the caller's (sorted) keys, in their own order.
        perServer[s] = keys;
        positions[s] = ALL_KEYS;
        return new Routing(perServer, positions);
      }
      if (counts[s] > 0) {
        perServer[s] = new long[counts[s]];
        positions[s] = new int[counts[s]];
      }
    }
    int[] fill = new int[n];
    for (int i = 0; i < keys.length; i++) {
      int s = owner[i];
      int at = fill[s]++;
      perServer[s][at] = keys[i];
      positions[s][at] = i;
    }
    return new Routing(perServer, positions);
  }
}
