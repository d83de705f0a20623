package dev.psyarn.ps.container;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JvmFiguresTest {

  @Test
  void heapAndCpuAreThisJvmsAndTheCpuTimeGrowsWithWork() {
    Map<String, Double> before = new HashMap<>();
    JvmFigures.addTo(before);
    double used = before.get(JvmFigures.HEAP_USED_MB);
    assertTrue(used > 0 && used <= before.get(JvmFigures.HEAP_MAX_MB), before.toString());
    assertTrue(before.get(JvmFigures.HEAP_MAX_MB) * 1048576.0 <= Runtime.getRuntime().maxMemory() + 1, before.toString());
    // 0.3 s of this thread's own CPU, however long that takes on a busy machine: a spin of 0.3 s by the
    // clock got 0.15 s of CPU while another build shared the two cores.
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long spin = threads.getCurrentThreadCpuTime() + 300_000_000L;
    long sink = 0;
    while (threads.getCurrentThreadCpuTime() < spin) {
      sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
    }
    Map<String, Double> after = new HashMap<>();
    JvmFigures.addTo(after);
    assertTrue(after.get(JvmFigures.CPU_SECONDS) >= before.get(JvmFigures.CPU_SECONDS) + 0.25,
        "0.3 s of this thread's CPU shows in the process's CPU time: " + before + " → " + after + " (" + sink + ")");
  }

  @Test
  void theStartLineSaysHowLongThisProcessAndItsMainRanAndItsCpu() throws InterruptedException {
    long uptime = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    JvmFigures.mainStarted();
    Thread.sleep(30);
    JvmFigures.mainStarted(); // the first call counts
    String line = JvmFigures.sinceStart();
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("process up (\\d+) ms, main up (\\d+) ms, (\\d+\\.\\d\\d) s CPU").matcher(line);
    assertTrue(m.matches(), line);
    // The process's age: the JVM's uptime, plus its own start before it (and 10 ms of rounding).
    long age = Long.parseLong(m.group(1));
    assertTrue(age >= uptime - 20 && age <= uptime + 5_000, age + " vs the JVM's uptime " + uptime);
    long main = Long.parseLong(m.group(2));
    assertTrue(main >= 30 && main < age, main + " ms since mainStarted, the process " + age + " ms");
    Map<String, Double> now = new HashMap<>();
    JvmFigures.addTo(now);
    assertTrue(Double.parseDouble(m.group(3)) > 0 && Double.parseDouble(m.group(3)) <= now.get(JvmFigures.CPU_SECONDS) + 0.01,
        m.group(3) + " vs " + now);
  }
}
