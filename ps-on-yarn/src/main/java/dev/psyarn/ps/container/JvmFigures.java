package dev.psyarn.ps.container;

import java.util.Map;

/**
 * What a container's JVM uses, sent with every heartbeat beside the role's own figures: heap used
 * and its limit (MiB), and the process's CPU time (seconds, every thread, as the OS counts it), so
 * the AM's page, {@code status --json} and the metrics show each container's memory and CPU.
 * Read from {@link Runtime} and {@link ProcessHandle} (the process's {@code /proc} entry), not
 * {@code java.lang.management}: a container that registers then loads none of its 70 classes,
 * which the class data sharing archive does not hold.
 */
public final class JvmFigures {

  public static final String HEAP_USED_MB = "jvm.heapUsedMb";
  public static final String HEAP_MAX_MB = "jvm.heapMaxMb";
  public static final String CPU_SECONDS = "process.cpuSeconds";

  private JvmFigures() {}

  /** Adds this JVM's figures to {@code figures}. */
  public static void addTo(Map<String, Double> figures) {
    Runtime runtime = Runtime.getRuntime();
    figures.put(HEAP_USED_MB, (runtime.totalMemory() - runtime.freeMemory()) / 1048576.0);
    if (runtime.maxMemory() != Long.MAX_VALUE) {
      figures.put(HEAP_MAX_MB, runtime.maxMemory() / 1048576.0);
    }
    cpuNanos().ifPresent(nanos -> figures.put(CPU_SECONDS, nanos / 1e9));
  }

  /** When the JVM's main class started ({@link #mainStarted}), by {@link System#nanoTime}; 0 before. */
  private static volatile long mainStartedNanos;

  /**
   * Notes that the JVM's main class has started: its first static initializer calls this, so the
   * registration line can tell the node's launch and the JVM's own boot from the main class's work.
   */
  public static void mainStarted() {
    if (mainStartedNanos == 0) {
      mainStartedNanos = System.nanoTime();
    }
  }

  /**
   * How long this process has run, how long since its main class started, and the CPU it used, for
   * the log line of a container's registration: a slow start shows there whether the node's launch
   * (the process's start to the main class: the launch scripts, the JVM's boot) or the JVM's own
   * work took the time.
   */
  public static String sinceStart() {
    long started = mainStartedNanos;
    String up = "process up " + processAgeMillis() + " ms"
        + (started == 0 ? "" : ", main up " + (System.nanoTime() - started) / 1_000_000 + " ms");
    return cpuNanos().map(cpu -> String.format(java.util.Locale.ROOT, "%s, %.2f s CPU", up, cpu / 1e9)).orElse(up);
  }

  /**
   * The process's age in ms, to 10 ms: the system's uptime less the process's start in clock ticks
   * since boot ({@code /proc}; Linux's ticks are 100 a second). {@link ProcessHandle.Info#startInstant}
   * adds the boot time, which Linux gives to the second; elsewhere, the JVM's uptime.
   */
  static long processAgeMillis() {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
      // Field 22 is the start; fields are counted from the process's id, and its name (2) may hold spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long startTicks = Long.parseLong(fields[22 - 3]);
      String uptime = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime"));
      double uptimeSeconds = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
      return Math.round(uptimeSeconds * 1000) - startTicks * 10;
    } catch (java.io.IOException | RuntimeException e) {
      return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    }
  }

  /** The process's CPU time, every thread, as the OS counts it. */
  private static java.util.Optional<Long> cpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos);
  }
}
