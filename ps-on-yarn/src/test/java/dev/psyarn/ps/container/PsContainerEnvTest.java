package dev.psyarn.ps.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PsContainerEnvTest {

  private final PsContainerEnv env = new PsContainerEnv("worker", 2, "am-host", 4242, 3, 5,
      "{\"type\":\"counter\",\"note\":\"quotes \\\" and $dollars\"}", 300);

  @Test
  void roundTripsThroughTheEnvironmentIncludingJsonWithQuotes() {
    Map<String, String> vars = env.toMap();
    assertTrue(vars.get(PsContainerEnv.APP).matches("[A-Za-z0-9+/=]+"), "the launch script must not see quotes");
    assertEquals(env, PsContainerEnv.from(vars));
  }

  @Test
  void aMissingVariableIsNamed() {
    Map<String, String> vars = new HashMap<>(env.toMap());
    vars.remove(PsContainerEnv.AM_PORT);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> PsContainerEnv.from(vars));
    assertTrue(e.getMessage().contains(PsContainerEnv.AM_PORT), e.getMessage());
    vars.put(PsContainerEnv.AM_PORT, "eighty");
    assertTrue(assertThrows(IllegalStateException.class, () -> PsContainerEnv.from(vars)).getMessage()
        .contains("not a number"));
  }

  @Test
  void aServersStateSettingsTravelInItsEnvironmentAndUnsetOnesAreLeftOut() {
    ServerStateEnv state = new ServerStateEnv("hdfs://nn/ckpt/app_1", 20, 3, "", "consistent-hash", 128, 1,
        "0:hdfs://nn/models/m1");
    java.util.Map<String, String> vars = state.toMap();
    org.junit.jupiter.api.Assertions.assertFalse(vars.containsKey(ServerStateEnv.RESUME_FROM), vars.toString());
    org.junit.jupiter.api.Assertions.assertEquals(state, ServerStateEnv.from(vars));
    org.junit.jupiter.api.Assertions.assertEquals(ServerStateEnv.NONE, ServerStateEnv.from(java.util.Map.of()));
  }
}
