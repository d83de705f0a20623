package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Renewed delegation tokens reach each running container once, with its next heartbeat. */
class TokenRelayTest extends LifecycleFixture {

  private byte[] beat(long n) {
    return life.requests().heartbeat(Containers.id(n).toString(), Map.of()).tokens();
  }

  @Test
  void eachContainerGetsEachRenewalOnce() {
    allRunning();
    assertNull(beat(1), "nothing before a renewal");
    byte[] first = {1, 2, 3};
    life.requests().renewedTokens(first);
    assertArrayEquals(first, beat(1));
    assertNull(beat(1), "once");
    assertArrayEquals(first, beat(3));
    byte[] second = {4, 5};
    life.requests().renewedTokens(second);
    assertArrayEquals(second, beat(1));
    assertArrayEquals(second, beat(2), "one that missed the first renewal gets the latest");
    assertArrayEquals(second, beat(3));
    assertNull(beat(3));
  }
}
