package dev.psyarn.spec;

import java.util.List;

/**
 * How keys map onto servers: {@code consistent-hash} (the default; keys mixed onto a ring with
 * {@code virtualNodes} points a server) or {@code range} (contiguous ranges of the key space, for
 * keys that are already hashed).
 *
 * @param type the partitioner
 * @param virtualNodes ring points a server (consistent-hash only)
 */
public record Partitioning(String type, int virtualNodes) {

  public static final List<String> TYPES = List.of("consistent-hash", "range");
  public static final Partitioning DEFAULT = new Partitioning("consistent-hash", 128);
}
