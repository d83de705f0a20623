package dev.psyarn.ps.worker;

/**
 * Which server owns a key: the replaceable function of ps-lite's design. Implementations are
 * immutable and deterministic, so the AM and every worker compute the same owners.
 */
public interface Partitioner {

  int numServers();

  /** The index of the server that owns {@code key}, from 0 to {@code numServers() - 1}. */
  int serverOf(long key);

  /**
   * The partitioner a cluster view names.
   *
   * @param type {@code consistent-hash} or {@code range}
   * @param virtualNodes points per server on the ring (consistent-hash only)
   */
  static Partitioner create(String type, int numServers, int virtualNodes) {
    return switch (type) {
      case "consistent-hash" -> new ConsistentHashRing(numServers, virtualNodes);
      case "range" -> KeyRanges.even(numServers);
      default -> throw new IllegalArgumentException("unknown partitioner \"" + type
          + "\"; known: consistent-hash, range");
    };
  }
}
