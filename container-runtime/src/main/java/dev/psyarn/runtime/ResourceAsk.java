package dev.psyarn.runtime;

import java.util.Map;

import org.apache.hadoop.yarn.api.records.Resource;

/**
 * What one container of a role asks YARN for.
 *
 * @param memoryMb container memory in MiB, heap and overhead included
 * @param vcores virtual cores
 * @param others other resource types the cluster declares, such as {@code yarn.io/gpu}, by name
 */
public record ResourceAsk(int memoryMb, int vcores, Map<String, Long> others) {

  public ResourceAsk(int memoryMb, int vcores) {
    this(memoryMb, vcores, Map.of());
  }

  public ResourceAsk {
    if (memoryMb <= 0) {
      throw new IllegalArgumentException("memoryMb must be positive, got " + memoryMb);
    }
    if (vcores <= 0) {
      throw new IllegalArgumentException("vcores must be positive, got " + vcores);
    }
    others = Map.copyOf(others);
  }

  /** The YARN record for this ask. */
  public Resource toResource() {
    return others.isEmpty() ? Resource.newInstance(memoryMb, vcores)
        : Resource.newInstance(memoryMb, vcores, others);
  }

  /**
   * The JVM heap that fits in this container: three quarters of its memory, leaving the rest for
   * metaspace, thread stacks and direct buffers, with a floor that lets a small JVM start.
   */
  public int heapMb() {
    return Math.max(32, memoryMb * 3 / 4);
  }
}
