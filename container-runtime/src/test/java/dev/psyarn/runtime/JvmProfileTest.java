package dev.psyarn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class JvmProfileTest {

  @Test
  void quickPutsC1AndTheSerialCollectorBeforeTheUsersOptions() {
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), JvmProfile.QUICK.withUserOptions(List.of()));
    // Later flags win: a user's -XX:TieredStopAtLevel=4 after the profile's brings C2 back.
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss2m", "-XX:TieredStopAtLevel=4"),
        JvmProfile.QUICK.withUserOptions(List.of("-Xss2m", "-XX:TieredStopAtLevel=4")));
  }

  @Test
  void aCollectorTheUserChoosesReplacesTheProfilesForTheJvmRefusesTwo() {
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseZGC"), JvmProfile.QUICK.withUserOptions(List.of("-XX:+UseZGC")));
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC", "-XX:ParallelGCThreads=1"),
        JvmProfile.QUICK.withUserOptions(List.of("-XX:+UseParallelGC", "-XX:ParallelGCThreads=1")));
    // Flags that only tune a collector, or name GC, do not choose one.
    assertEquals(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:+UseGCOverheadLimit",
        "-XX:+UseAdaptiveSizePolicyWithSystemGC"),
        JvmProfile.QUICK.withUserOptions(List.of("-XX:+UseGCOverheadLimit", "-XX:+UseAdaptiveSizePolicyWithSystemGC")));
  }

  @Test
  void throughputChoosesTheParallelCollectorUnlessTheUserChoosesOne() {
    List<String> c2 = List.of("-XX:Tier4InvocationThreshold=100000", "-XX:Tier4CompileThreshold=120000",
        "-XX:Tier4BackEdgeThreshold=400000");
    List<String> expected = new java.util.ArrayList<>(List.of("-XX:+UseParallelGC"));
    expected.addAll(c2);
    expected.add("-Xss2m");
    assertEquals(expected, JvmProfile.THROUGHPUT.withUserOptions(List.of("-Xss2m")));
    List<String> g1 = new java.util.ArrayList<>(c2);
    g1.add("-XX:+UseG1GC");
    assertEquals(g1, JvmProfile.THROUGHPUT.withUserOptions(List.of("-XX:+UseG1GC")));
    // A user's own threshold comes later, and so wins.
    assertEquals("-XX:Tier4InvocationThreshold=5000",
        JvmProfile.THROUGHPUT.withUserOptions(List.of("-XX:Tier4InvocationThreshold=5000")).get(4));
  }

  @Test
  void peakAddsNothingAndProfilesAreNamedAsInSpecs() {
    assertEquals(List.of("-Xss2m"), JvmProfile.PEAK.withUserOptions(List.of("-Xss2m")));
    assertEquals(JvmProfile.QUICK, JvmProfile.named("quick"));
    assertEquals(JvmProfile.PEAK, JvmProfile.named("peak"));
    assertEquals(JvmProfile.THROUGHPUT, JvmProfile.named("throughput"));
    assertNull(JvmProfile.named("Quick"));
  }
}
