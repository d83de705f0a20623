package dev.psyarn.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JvmCommandTest {

  @Test
  void commandRunsJavaFromJavaHomeWithHeapOptionsAndLogRedirection() {
    String cmd = new JvmCommand("a.Main", 192, List.of("-Dx=1"), List.of("arg")).toShellCommand();
    assertTrue(cmd.startsWith("{{JAVA_HOME}}/bin/java -Xmx192m "), cmd);
    assertTrue(cmd.indexOf("-Xmx192m") < cmd.indexOf("-Dx=1"), "user options come after the heap, to override it");
    assertTrue(cmd.contains("-Dx=1 a.Main arg 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr"), cmd);
  }

  @Test
  void heapLeavesRoomForTheJvmsOwnMemory() {
    assertEquals(192, new ResourceAsk(256, 1).heapMb());
    assertEquals(32, new ResourceAsk(40, 1).heapMb());
  }

  @Test
  void resourceAskRefusesNonPositiveValues() {
    assertThrows(IllegalArgumentException.class, () -> new ResourceAsk(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ResourceAsk(128, 0));
  }
}
