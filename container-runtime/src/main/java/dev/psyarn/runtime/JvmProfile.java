package dev.psyarn.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a container's JVM compiles and collects: the flags psyarn puts before the user's own
 * {@code jvmOptions} (which come later on the command line, so they can override them).
 *
 * <p>On a node whose cores its containers share, C2 compiling a fresh JVM's hot paths costs about
 * as much CPU as the first minute of the role's own work: on the flights job (2 cores, 4
 * containers) 7–8 CPU-seconds a container, the first epoch twice as long as the later ones, and
 * no faster epochs once compiled (the workers wait on messages, not on arithmetic). {@link #QUICK}
 * stops at C1 and collects with the serial collector, as the reference SleepJob's maps do; jobs of
 * an hour or more, or an app whose own loops are the bottleneck, ask for {@link #PEAK}, or
 * {@link #THROUGHPUT} where those loops allocate on every core.
 */
public enum JvmProfile {

  /** C1 only ({@code -XX:TieredStopAtLevel=1}) and the serial collector: the default. */
  QUICK("quick", List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")),
  /** The JVM's own defaults: tiered compilation up to C2, the collector it picks. */
  PEAK("peak", List.of()),
  /**
   * C2 for what stays hot ({@link #SELECTIVE_C2}) and the parallel collector ({@code
   * -XX:+UseParallelGC}), whose write barriers cost less than G1's (the JVM's pick on a node of 2
   * cores or more): for a JVM whose hot loops allocate on every core for a while, as an AM running
   * the preprocessing map tasks itself (the flights stage in the AM 5.85 s against 6.15 s with G1,
   * medians of 8 pairs; with the C2 thresholds, 30 M rows in 4–9 % less CPU; docs/benchmarks.md).
   */
  THROUGHPUT("throughput", Flags.throughput());

  /**
   * C2, the JIT's optimizing compiler, takes a method at ten times the calls and loops it would by
   * default: a hot loop still gets it within its first hundred thousand rows, and the code a job
   * runs for a while only (Hadoop's configuration read and written, a job's submission, the first
   * HDFS calls) stays in C1 instead of taking a core from the loops. The preprocessing map tasks'
   * JVMs on the cluster start with these too ({@code psyarn.preprocess.map.jvm-flags}).
   */
  public static final List<String> SELECTIVE_C2 = Flags.SELECTIVE_C2;

  /** The profiles' shared flags, in a class of their own: an enum's constants are made before its static fields. */
  private static final class Flags {
    static final List<String> SELECTIVE_C2 = List.of("-XX:Tier4InvocationThreshold=100000",
        "-XX:Tier4CompileThreshold=120000", "-XX:Tier4BackEdgeThreshold=400000");

    static List<String> throughput() {
      List<String> flags = new ArrayList<>(List.of("-XX:+UseParallelGC"));
      flags.addAll(SELECTIVE_C2);
      return List.copyOf(flags);
    }
  }

  /** A collector chosen on the command line, such as {@code -XX:+UseG1GC}: two of them stop the JVM. */
  private static final Pattern CHOOSES_COLLECTOR = Pattern.compile(
      "-XX:\\+Use(Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep)GC");

  private final String specName;
  private final List<String> flags;

  JvmProfile(String specName, List<String> flags) {
    this.specName = specName;
    this.flags = flags;
  }

  public String specName() {
    return specName;
  }

  /**
   * This profile's flags followed by {@code userOptions}; the profile's collector is left out when
   * the user's options choose one (the JVM refuses to start with two).
   */
  public List<String> withUserOptions(List<String> userOptions) {
    boolean userCollector = userOptions.stream().anyMatch(o -> CHOOSES_COLLECTOR.matcher(o).matches());
    List<String> out = new ArrayList<>();
    for (String flag : flags) {
      if (!(userCollector && CHOOSES_COLLECTOR.matcher(flag).matches())) {
        out.add(flag);
      }
    }
    out.addAll(userOptions);
    return out;
  }

  /** The profile a spec names, or null when the name is none of them. */
  public static JvmProfile named(String name) {
    for (JvmProfile p : values()) {
      if (p.specName.equals(name)) {
        return p;
      }
    }
    return null;
  }
}
