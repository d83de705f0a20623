package dev.psyarn.ps.container;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Map;

/**
 * What a container's JVM uses, sent with every heartbeat beside the role's own figures: heap used
 * and its limit (MiB), and the process's CPU time (seconds, every thread, as the OS counts it), so
 * the AM's page, {@code status --json} and the metrics show each container's memory and CPU.
 */
public final class JvmFigures {

  public static final String HEAP_USED_MB = "jvm.heapUsedMb";
  public static final String HEAP_MAX_MB = "jvm.heapMaxMb";
  public static final String CPU_SECONDS = "process.cpuSeconds";

  private JvmFigures() {}

  /** Adds this JVM's figures to {@code figures}. */
  public static void addTo(Map<String, Double> figures) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    figures.put(HEAP_USED_MB, heap.getUsed() / 1048576.0);
    if (heap.getMax() > 0) {
      figures.put(HEAP_MAX_MB, heap.getMax() / 1048576.0);
    }
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      figures.put(CPU_SECONDS, os.getProcessCpuTime() / 1e9);
    }
  }

  /**
   * How long this JVM has run and the CPU it used, for the log line of a container's registration
   * (a slow start shows there: the JVM's own start, or the node's launch before it).
   */
  public static String sinceStart() {
    long up = ManagementFactory.getRuntimeMXBean().getUptime();
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        && os.getProcessCpuTime() >= 0) {
      return String.format(java.util.Locale.ROOT, "JVM up %d ms, %.2f s CPU", up, os.getProcessCpuTime() / 1e9);
    }
    return "JVM up " + up + " ms";
  }
}
