package dev.psyarn.runtime;

import org.apache.hadoop.yarn.api.records.Resource;

/**
 * What one container of a role asks YARN for.
 *
 * @param memoryMb container memory in MiB, heap and overhead included
 * @param vcores virtual cores
 */
public record ResourceAsk(int memoryMb, int vcores) {

  public ResourceAsk {
    if (memoryMb <= 0) {
      throw new IllegalArgumentException("memoryMb must be positive, got " + memoryMb);
    }
    if (vcores <= 0) {
      throw new IllegalArgumentException("vcores must be positive, got " + vcores);
    }
  }

  /** The YARN record for this ask. */
  public Resource toResource() {
    return Resource.newInstance(memoryMb, vcores);
  }

  /**
   * The JVM heap that fits in this container: three quarters of its memory, leaving the rest for
   * metaspace, thread stacks and direct buffers, with a floor that lets a small JVM start.
   */
  public int heapMb() {
    return Math.max(32, memoryMb * 3 / 4);
  }
}
