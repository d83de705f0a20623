package dev.psyarn.am;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.metrics2.MetricsCollector;
import org.apache.hadoop.metrics2.MetricsRecordBuilder;
import org.apache.hadoop.metrics2.MetricsSource;
import org.apache.hadoop.metrics2.lib.Interns;

/**
 * The job as a Hadoop metrics2 source, record {@code PsyarnJob}: what JMX, the AM's {@code /jmx}
 * and {@code /prom}, and any sink the cluster configures see. Read from the job's status when a
 * sink or JMX asks: progress; containers desired, running and restarted by role; the servers'
 * keys held, keys pushed and pulled, replays dropped and bytes; the workers' bytes, examples
 * trained, throughput and recent training log loss (their mean); the servers' clock lag (the fastest running clock over the slowest); the job's numeric results so far (test
 * log loss and AUC, pieces done, ...).
 */
final class AmMetrics implements MetricsSource {

  static final String RECORD = "PsyarnJob";
  private static final List<String> SERVER_FIGURES = List.of("keys", "keysPushed", "keysPulled", "pushesDropped",
      "bytesIn", "bytesOut");
  private static final List<String> WORKER_FIGURES = List.of("bytesIn", "bytesOut", "train.examples",
      "train.examplesPerSecond");

  private final Supplier<JobStatus> status;

  AmMetrics(Supplier<JobStatus> status) {
    this.status = status;
  }

  /**
   * The AM's source: the job's status from the event thread once {@code loop} runs, nothing
   * before. (Registering a source asks for its figures at once, on the thread that goes on to run
   * the loop: waiting for the loop there cost every job's start the status's 10 s timeout.)
   */
  static AmMetrics of(AmLoop loop, Supplier<JobStatus> status) {
    return new AmMetrics(() -> loop.running() ? status.get() : null);
  }

  @Override
  public void getMetrics(MetricsCollector collector, boolean all) {
    JobStatus s = status.get();
    if (s == null) {
      return;
    }
    MetricsRecordBuilder record = collector.addRecord(RECORD).setContext("psyarn")
        .tag(Interns.info("Application", "the YARN application"), s.applicationId())
        .tag(Interns.info("Job", "the job's name"), s.name());
    for (Map.Entry<String, Double> g : gauges(s).entrySet()) {
      record.addGauge(Interns.info(g.getKey(), g.getKey()), g.getValue());
    }
  }

  /** The gauges, by their metrics2 names (CamelCase: Prometheus' sink writes them snake_case). */
  static Map<String, Double> gauges(JobStatus s) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("Progress", (double) s.progress());
    s.instances().forEach((role, counts) -> {
      out.put(camel(role) + "sDesired", (double) counts.getOrDefault("desired", 0));
      out.put(camel(role) + "sRunning", (double) counts.getOrDefault("running", 0));
    });
    s.restarts().forEach((role, n) -> out.put(camel(role) + "Restarts", (double) n));
    double lossSum = 0;
    int losses = 0;
    double minClock = Double.POSITIVE_INFINITY;
    double maxClock = Double.NEGATIVE_INFINITY;
    for (JobStatus.ContainerRow c : s.containers()) {
      if (!"REGISTERED".equals(c.state())) {
        continue;
      }
      List<String> figures = "server".equals(c.role()) ? SERVER_FIGURES : WORKER_FIGURES;
      for (String figure : figures) {
        Double value = c.metrics().get(figure);
        if (value != null) {
          out.merge(camel(c.role()) + camel(figure), value, Double::sum);
        }
      }
      Double loss = c.metrics().get("train.logloss");
      if ("worker".equals(c.role()) && loss != null && !loss.isNaN()) {
        lossSum += loss;
        losses++;
      }
      Double clock = c.metrics().get("clock");
      Double running = c.metrics().get("clock.max");
      if ("server".equals(c.role()) && clock != null && running != null && clock < Integer.MAX_VALUE && running >= 0) {
        minClock = Math.min(minClock, clock);
        maxClock = Math.max(maxClock, running);
      }
    }
    if (losses > 0) {
      out.put("WorkerTrainLogloss", lossSum / losses);
    }
    if (maxClock >= minClock) {
      out.put("ServerClockLag", maxClock - minClock);
    }
    s.metrics().forEach((name, value) -> {
      if (value instanceof Number n && !name.startsWith("bytes.")) {
        out.put("Result" + camel(name), n.doubleValue());
      }
    });
    return out;
  }

  private static String camel(String name) {
    return dev.psyarn.ps.container.ContainerMetrics.camel(name);
  }

}
