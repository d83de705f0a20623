package dev.psyarn.ps.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.update.UpdaterSpec;
import org.junit.jupiter.api.Test;

class TableCreationTest {

  @Test
  void aRuleIsTheSameWithItsOptionsInAnyOrderAndNotWithOtherOptions() {
    UpdaterSpec ordered = new UpdaterSpec("com.example.Sketch", 0, 0, 0, 0, "depth=4,width=4096");
    assertTrue(TableCreation.sameRule(ordered, new UpdaterSpec("com.example.Sketch", 0, 0, 0, 0, "width=4096,depth=4")));
    assertFalse(TableCreation.sameRule(ordered, new UpdaterSpec("com.example.Sketch", 0, 0, 0, 0, "depth=5,width=4096")));
    assertFalse(TableCreation.sameRule(ordered, new UpdaterSpec("com.example.Other", 0, 0, 0, 0, "depth=4,width=4096")));
    assertFalse(TableCreation.sameRule(ordered, new UpdaterSpec("com.example.Sketch", 0.1f, 0, 0, 0, "depth=4,width=4096")));
  }
}
