package dev.psyarn.ps.container;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.metrics2.MetricsCollector;
import org.apache.hadoop.metrics2.MetricsRecordBuilder;
import org.apache.hadoop.metrics2.MetricsSource;
import org.apache.hadoop.metrics2.lib.DefaultMetricsSystem;
import org.apache.hadoop.metrics2.lib.Interns;

/**
 * A container's figures (the ones its heartbeats carry) as a Hadoop metrics2 source, record
 * {@code PsyarnServer} or {@code PsyarnWorker}: in the container JVM's JMX and in any sink the
 * cluster's {@code hadoop-metrics2.properties} configures. Names are the figures' in CamelCase
 * ({@code keysPushed} → {@code KeysPushed}, {@code clock.max} → {@code ClockMax}).
 */
public final class ContainerMetrics implements MetricsSource {

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
