package dev.psyarn.ps.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The containers' metrics2 source, started off the container's start, as JMX shows it. */
class ContainerMetricsTest {

  private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

  @Test
  void startsWhenAskedAndNotBefore() throws Exception {
    ContainerMetrics.Start start = ContainerMetrics.publishLater("worker", 3,
        () -> Map.of("keysPushed", 12.0, "clock.max", 4.0), 600_000);
    Thread.sleep(300);
    assertTrue(beans("PsyarnWorker").isEmpty(), "published before it was asked to start");

    start.now();
    ObjectName bean = awaitBean("PsyarnWorker");
    assertEquals(12.0, JMX.getAttribute(bean, "KeysPushed"));
    assertEquals(4.0, JMX.getAttribute(bean, "ClockMax"));
    assertEquals("worker", JMX.getAttribute(bean, "tag.Role"));
    assertEquals("3", JMX.getAttribute(bean, "tag.Index"));
  }

  @Test
  void startsByItselfOnceTheWaitIsOver() throws Exception {
    ContainerMetrics.publishLater("server", 0, () -> Map.of("keys", 7.0), 200);
    ObjectName bean = awaitBean("PsyarnServer");
    assertEquals(7.0, JMX.getAttribute(bean, "Keys"));
    assertEquals("0", JMX.getAttribute(bean, "tag.Index"));
  }

  @Test
  void namesFiguresInCamelCase() {
    assertEquals("TestLogloss", ContainerMetrics.camel("test.logloss"));
    assertEquals("KeysPushed", ContainerMetrics.camel("keysPushed"));
    assertEquals("ServersOutageSeconds", ContainerMetrics.camel("servers.outageSeconds"));
  }

  private static Set<ObjectName> beans(String name) throws Exception {
    return JMX.queryNames(new ObjectName("Hadoop:name=" + name + ",*"), null);
  }

  private static ObjectName awaitBean(String name) throws Exception {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      Set<ObjectName> found = beans(name);
      if (!found.isEmpty()) {
        return found.iterator().next();
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no MBean Hadoop:name=" + name + " within 20 s");
  }
}
