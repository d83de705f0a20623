package dev.psyarn.ps.container;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.hadoop.metrics2.MetricsCollector;
import org.apache.hadoop.metrics2.MetricsRecordBuilder;
import org.apache.hadoop.metrics2.MetricsSource;
import org.apache.hadoop.metrics2.lib.DefaultMetricsSystem;
import org.apache.hadoop.metrics2.lib.Interns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A container's figures (the ones its heartbeats carry) as a Hadoop metrics2 source, record
 * {@code PsyarnServer} or {@code PsyarnWorker}: in the container JVM's JMX and in any sink the
 * cluster's {@code hadoop-metrics2.properties} configures. Names are the figures' in CamelCase
 * ({@code keysPushed} → {@code KeysPushed}, {@code clock.max} → {@code ClockMax}).
 *
 * <p>The metrics system starts off the container's start ({@link #publishLater}): starting it
 * costs a container's JVM about a quarter of a second of CPU, which, right after registering,
 * competed with the containers still starting on the node's cores (eight containers on two cores
 * took 4 % longer to register for it). Sinks lose nothing: they take a source's figures once a
 * period (10 s by default), and a deferred start is at most {@link #START_AFTER_MS} late.
 */
public final class ContainerMetrics implements MetricsSource {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerMetrics.class);

  /** The longest the metrics system waits after {@link #publishLater}: one metrics2 period. */
  static final long START_AFTER_MS = 10_000;

  private final String record;
  private final String role;
  private final int index;
  private final Supplier<Map<String, Double>> figures;

  private ContainerMetrics(String record, String role, int index, Supplier<Map<String, Double>> figures) {
    this.record = record;
    this.role = role;
    this.index = index;
    this.figures = figures;
  }

  /**
   * Publishes the figures of a container of {@code role} from a thread of its own, which starts the
   * metrics system when the returned start is {@linkplain Start#now() asked for} (a worker: once its
   * job is under way) or {@code afterMs} from now, whichever comes first. A failure to start is
   * logged, and the container runs on without its metrics2 source.
   */
  static Start publishLater(String role, int index, Supplier<Map<String, Double>> figures, long afterMs) {
    Start start = new Start();
    Thread thread = new Thread(() -> {
      try {
        start.now.await(afterMs, TimeUnit.MILLISECONDS);
        publish(role, index, figures);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.warn("the {}'s metrics system did not start; its figures still reach the AM with its heartbeats",
            role, e);
      }
    }, "psyarn-metrics-start");
    thread.setDaemon(true);
    thread.start();
    return start;
  }

  /** A deferred start of the metrics system. */
  static final class Start {
    private final CountDownLatch now = new CountDownLatch(1);

    /** Starts it now (once). */
    void now() {
      now.countDown();
    }
  }

  /** Starts the metrics system of a container of {@code role} and publishes its figures. */
  static void publish(String role, int index, Supplier<Map<String, Double>> figures) {
    String record = "Psyarn" + Character.toUpperCase(role.charAt(0)) + role.substring(1);
    DefaultMetricsSystem.initialize("psyarn-" + role);
    DefaultMetricsSystem.instance().register(record, "a psyarn " + role + "'s figures",
        new ContainerMetrics(record, role, index, figures));
  }

  @Override
  public void getMetrics(MetricsCollector collector, boolean all) {
    MetricsRecordBuilder r = collector.addRecord(record).setContext("psyarn")
        .tag(Interns.info("Role", "the container's role"), role)
        .tag(Interns.info("Index", "the container's index in its role"), Integer.toString(index));
    for (Map.Entry<String, Double> f : figures.get().entrySet()) {
      String name = camel(f.getKey());
      r.addGauge(Interns.info(name, f.getKey()), f.getValue());
    }
  }

  /** A figure's name as a metrics2 name: {@code test.logloss} → {@code TestLogloss}. */
  public static String camel(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = true;
    for (char c : name.toCharArray()) {
      if (!Character.isLetterOrDigit(c)) {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }
}
