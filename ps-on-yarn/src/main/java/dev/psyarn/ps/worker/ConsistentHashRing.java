package dev.psyarn.ps.worker;

import java.util.Arrays;

/**
 * Consistent hashing of keys onto servers with virtual nodes (paper §4.3). Each server puts
 * {@code virtualNodes} points on a 64-bit ring; a key belongs to the server of the first point at
 * or after the key's position, wrapping around. Positions are keys passed through a bijective mix,
 * so dense key spaces (dictionary ids 0..n) spread as evenly as hashed ones, and adding a server
 * moves only about 1/n of the keys.
 */
public final class ConsistentHashRing implements Partitioner {

  private final int numServers;
  private final long[] points;
  private final int[] owners;
  /**
   * For each of the ring's equal arcs (by a position's top {@link #arcBits} bits), the first point
   * at or after the arc's start: a key's point is found from there in a step or two, where a binary
   * search over every point took 8 to 12 unpredictable branches (5–9 % of a flights worker's CPU).
   */
  private final int[] firstOfArc;
  /** At least 4,096 arcs, and at least two for each point (up to 2^20). */
  private final int arcBits;

  public ConsistentHashRing(int numServers, int virtualNodes) {
    if (numServers <= 0 || virtualNodes <= 0) {
      throw new IllegalArgumentException("need at least one server and one virtual node, got "
          + numServers + " and " + virtualNodes);
    }
    this.numServers = numServers;
    int n = numServers * virtualNodes;
    long[] positions = new long[n];
    int[] ownerOf = new int[n];
    Integer[] order = new Integer[n];
    for (int s = 0; s < numServers; s++) {
      for (int v = 0; v < virtualNodes; v++) {
        int i = s * virtualNodes + v;
        positions[i] = mix(0x5053594152_4E0000L ^ ((long) s << 32 | v));
        ownerOf[i] = s;
        order[i] = i;
      }
    }
    Arrays.sort(order, (a, b) -> Long.compare(positions[a], positions[b]));
    this.points = new long[n];
    this.owners = new int[n];
    for (int i = 0; i < n; i++) {
      points[i] = positions[order[i]];
      owners[i] = ownerOf[order[i]];
    }
    arcBits = Math.max(12, Math.min(20, 65 - Long.numberOfLeadingZeros(n)));
    firstOfArc = new int[1 << arcBits];
    int at = 0;
    for (int arc = 0; arc < firstOfArc.length; arc++) {
      long start = arcStart(arc);
      while (at < n && points[at] < start) {
        at++;
      }
      firstOfArc[arc] = at;
    }
  }

  /**
   * The arc of a position: its top bits, with the sign bit flipped so that arcs follow the
   * positions' signed order (the points are sorted as signed longs).
   */
  private int arc(long position) {
    return (int) (position >>> (64 - arcBits)) ^ (1 << (arcBits - 1));
  }

  private long arcStart(int arc) {
    return (long) (arc ^ (1 << (arcBits - 1))) << (64 - arcBits);
  }

  @Override
  public int numServers() {
    return numServers;
  }

  @Override
  public int serverOf(long key) {
    return ownerAt(mix(key));
  }

  /** The server of the first point at or after a ring position, wrapping around. */
  int ownerAt(long position) {
    int at = firstOfArc[arc(position)];
    while (at < points.length && points[at] < position) {
      at++;
    }
    return owners[at == points.length ? 0 : at];
  }

  /** The ring's points, ascending (signed), and {@link #ownerAt} each one's server. */
  long[] points() {
    return points.clone();
  }

  /** MurmurHash3's 64-bit finalizer: a bijection that spreads nearby keys over the whole ring. */
  static long mix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
