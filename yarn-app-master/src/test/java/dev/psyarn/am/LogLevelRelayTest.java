package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.wire.ControlMessages.LogLevel;
import dev.psyarn.ps.wire.ControlMessages.LogLevelReply;
import dev.psyarn.spec.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Log levels set at run time: in the AM at once, in the chosen containers with their next heartbeat, once. */
class LogLevelRelayTest {

  private static TrackedContainer running(int id, Role role, int index) {
    return new TrackedContainer(role, index, Containers.id(id).toString(), "node0", "node0:8042",
        ContainerState.REGISTERED, null, null, Map.of(), 0, null, 0);
  }

  @Test
  void theChosenContainersGetTheLevelOnceAndTheAmOnlyWhenItIsChosen() {
    LogLevelRelay relay = new LogLevelRelay();
    List<TrackedContainer> live = List.of(running(2, Role.SERVER, 0), running(3, Role.WORKER, 0),
        running(4, Role.WORKER, 1));
    LogLevelReply one = relay.set(new LogLevel("dev.psyarn.test.relay", "debug", "worker", 1, "alice"), live);
    assertEquals(new LogLevelReply(false, 1), one, "worker 1 alone, not the AM");
    assertEquals(Map.of("dev.psyarn.test.relay", "DEBUG"), relay.take(Containers.id(4).toString()));
    assertNull(relay.take(Containers.id(4).toString()), "handed over once");
    assertNull(relay.take(Containers.id(3).toString()));

    LogLevelReply all = relay.set(new LogLevel("dev.psyarn.test.relay", "WARN", null, -1, "alice"), live);
    assertEquals(new LogLevelReply(true, 3), all);
    assertEquals(org.apache.log4j.Level.WARN, org.apache.log4j.Logger.getLogger("dev.psyarn.test.relay").getLevel(),
        "set in the AM's own JVM");
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> relay.set(new LogLevel("x", "LOUD", null, -1, "alice"), live)).getMessage().contains("unknown log level"));
  }
}
