package dev.psyarn.ps.update;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.ps.store.KeyValueTable;
import org.junit.jupiter.api.Test;

class UpdaterTest {

  @Test
  void anAppsRuleNamesItsOptionsInKeyOrderWhateverTheMapsOrder() {
    java.util.Map<String, Object> widthFirst = new java.util.LinkedHashMap<>();
    widthFirst.put("width", 4096);
    widthFirst.put("depth", 4);
    java.util.Map<String, Object> depthFirst = new java.util.LinkedHashMap<>();
    depthFirst.put("depth", 4);
    depthFirst.put("width", 4096);
    UpdaterSpec a = UpdaterSpec.custom(Ftrl.class, widthFirst);
    assertEquals("depth=4,width=4096", a.options());
    assertEquals(a, UpdaterSpec.custom(Ftrl.class, depthFirst), "two workers' specs of one rule are equal");
    assertEquals(4096, a.intOption("width", 0));
  }

  @Test
  void specsAreEqualExactlyWhenEverySettingIsAsARecordsWouldBe() {
    UpdaterSpec ftrl = new UpdaterSpec("ftrl", 0.1f, 1f, 2f, 1f, "b=2,a=1");
    UpdaterSpec same = new UpdaterSpec("ftrl", 0.1f, 1f, 2f, 1f, "a=1,b=2");
    assertEquals(ftrl, same);
    assertEquals(ftrl.hashCode(), same.hashCode());
    java.util.List<UpdaterSpec> others = java.util.List.of(new UpdaterSpec("adagrad", 0.1f, 1f, 2f, 1f, "a=1,b=2"),
        new UpdaterSpec("ftrl", 0.2f, 1f, 2f, 1f, "a=1,b=2"), new UpdaterSpec("ftrl", 0.1f, 0f, 2f, 1f, "a=1,b=2"),
        new UpdaterSpec("ftrl", 0.1f, 1f, 3f, 1f, "a=1,b=2"), new UpdaterSpec("ftrl", 0.1f, 1f, 2f, 1.5f, "a=1,b=2"),
        new UpdaterSpec("ftrl", 0.1f, 1f, 2f, 1f, "a=1"), new UpdaterSpec(null, 0.1f, 1f, 2f, 1f, "a=1,b=2"));
    for (UpdaterSpec other : others) {
      assertTrue(!ftrl.equals(other) && !other.equals(ftrl), other.toString());
    }
    // Floats as Float.compare has them, as a record's generated equals: NaN equals NaN, 0 is not -0.
    assertEquals(new UpdaterSpec("sgd", Float.NaN, 0, 0, 0), new UpdaterSpec("sgd", Float.NaN, 0, 0, 0));
    assertTrue(!new UpdaterSpec("sgd", 0f, 0, 0, 0).equals(new UpdaterSpec("sgd", -0f, 0, 0, 0)));
    assertEquals(new UpdaterSpec(null, 0, 0, 0, 0), new UpdaterSpec(null, 0, 0, 0, 0));
    assertTrue(!ftrl.equals("ftrl") && !ftrl.equals(null));
  }


  private static float[] pull(KeyValueTable t, long... keys) {
    float[] out = new float[keys.length * t.width()];
    t.get(keys, out);
    return out;
  }

  @Test
  void sgdStepsAgainstTheGradientWithL2() {
    KeyValueTable t = new KeyValueTable(2, new Sgd(0.5f, 0f));
    t.add(new long[] {1}, new float[] {2, -4});
    assertArrayEquals(new float[] {-1, 2}, pull(t, 1));
    KeyValueTable decayed = new KeyValueTable(1, new Sgd(0.5f, 0.1f));
    decayed.add(new long[] {1}, new float[] {-2});
    decayed.add(new long[] {1}, new float[] {0});
    assertEquals(1f - 0.5f * 0.1f * 1f, pull(decayed, 1)[0], 1e-6);
  }

  @Test
  void adaGradShrinksStepsAsSquaredGradientsAccumulate() {
    KeyValueTable t = new KeyValueTable(1, new AdaGrad(1f, 1e-8f));
    t.add(new long[] {3}, new float[] {2});
    assertEquals(-1f, pull(t, 3)[0], 1e-5, "first step: g / |g|");
    t.add(new long[] {3}, new float[] {2});
    assertEquals(-1f - 2f / (float) Math.sqrt(8), pull(t, 3)[0], 1e-5);
    // With L2 0.5, a push of 0 after the first step still pulls w = -1 toward 0: g = 0.5 * -1.
    KeyValueTable decayed = new KeyValueTable(1, new AdaGrad(1f, 1e-8f, 0.5f));
    decayed.add(new long[] {3}, new float[] {2});
    decayed.add(new long[] {3}, new float[] {0});
    assertEquals(-1f + 0.5f / (float) Math.sqrt(4 + 0.25), pull(decayed, 3)[0], 1e-5);
    assertEquals(new AdaGrad(0.1f, 1e-6f, 0.5f), new UpdaterSpec("adagrad", 0.1f, 0, 0.5f, 1e-6f).create(),
        "the spec's l2 reaches AdaGrad");
  }

  @Test
  void ftrlMatchesItsClosedFormAndKeepsSmallWeightsAtExactlyZero() {
    Ftrl ftrl = new Ftrl(0.1f, 1f, 1f, 0.5f);
    KeyValueTable t = new KeyValueTable(1, ftrl);
    t.add(new long[] {1, 2}, new float[] {0.5f, 3f});
    float[] w = pull(t, 1, 2);
    assertEquals(0f, w[0], "|z| = 0.5 <= l1: exactly zero");
    // z = 3, n = 9: w = -(3 - 1) / ((1 + 3) / 0.1 + 0.5)
    assertEquals(-(3f - 1f) / ((1f + 3f) / 0.1f + 0.5f), w[1], 1e-6);
    // A second gradient uses sigma * w with the weight of the first step.
    float w1 = w[1];
    t.add(new long[] {2}, new float[] {1f});
    float sigma = ((float) Math.sqrt(10) - 3f) / 0.1f;
    float z = 3f + 1f - sigma * w1;
    assertEquals(-(z - 1f) / ((1f + (float) Math.sqrt(10)) / 0.1f + 0.5f), pull(t, 2)[0], 1e-5);
  }

  @Test
  void ftrlLearnsALogisticRegressionThatSeparatesTwoFeatures() {
    KeyValueTable t = new KeyValueTable(1, new Ftrl(0.5f, 1f, 0f, 0f));
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 2000; i++) {
      long feature = random.nextBoolean() ? 10 : 20;
      float label = feature == 10 ? 1f : 0f;
      float w = pull(t, feature)[0];
      float p = 1f / (1f + (float) Math.exp(-w));
      t.add(new long[] {feature}, new float[] {p - label});
    }
    assertTrue(pull(t, 10)[0] > 2f && pull(t, 20)[0] < -2f);
  }

  @Test
  void unknownKeysReadAsZeroForEveryUpdater() {
    for (Updater u : new Updater[] {Updater.SUM, new Sgd(1, 0), new AdaGrad(1, 1e-6f), new Ftrl(1, 1, 1, 1)}) {
      KeyValueTable t = new KeyValueTable(3, u);
      t.add(new long[] {1}, new float[] {1, 1, 1});
      assertArrayEquals(new float[3], pull(t, 2), u.toString());
    }
  }

  @Test
  void aRunOfNeighbouringSlotsIsUpdatedAndReadAsKeyByKey() {
    // Dense requests of a table of wide slots reach the updater as runs of neighbouring slots.
    java.util.Random random = new java.util.Random(5);
    for (Updater u : new Updater[] {Updater.SUM, new Sgd(0.5f, 0.1f), new AdaGrad(0.5f, 1e-6f), new Ftrl(0.5f, 1, 0.1f, 0.1f)}) {
      int width = 3;
      int rows = 7;
      int slotWidth = u.slotWidth(width);
      float[] byRun = new float[(rows + 2) * slotWidth];
      float[] byKey = new float[byRun.length];
      for (int round = 0; round < 3; round++) {
        float[] pushed = new float[rows * width + 5];
        for (int i = 0; i < pushed.length; i++) {
          pushed[i] = random.nextFloat() - 0.5f;
        }
        u.push(byRun, slotWidth, pushed, 5, width, rows);
        for (int r = 0; r < rows; r++) {
          u.push(byKey, slotWidth + r * slotWidth, pushed, 5 + r * width, width);
        }
      }
      assertArrayEquals(byKey, byRun, u + ": the run's slots, and nothing beside them");
      float[] runOut = new float[rows * width + 2];
      float[] keyOut = new float[runOut.length];
      u.pull(byRun, slotWidth, runOut, 2, width, rows);
      for (int r = 0; r < rows; r++) {
        u.pull(byKey, slotWidth + r * slotWidth, keyOut, 2 + r * width, width);
      }
      assertArrayEquals(keyOut, runOut, u.toString());
      assertTrue(byRun[0] == 0 && byRun[byRun.length - 1] == 0, u + ": slots outside the run untouched");
    }
  }

  @Test
  void specsNameTheirUpdaterAndRefuseNonsense() {
    assertEquals(new Ftrl(0.1f, 1f, 1f, 2f), new UpdaterSpec("ftrl", 0.1f, 1f, 2f, 1f).create());
    assertEquals(Updater.SUM, UpdaterSpec.SUM.create());
    assertThrows(IllegalArgumentException.class, () -> new UpdaterSpec("adam", 1, 0, 0, 0).create());
    assertThrows(IllegalArgumentException.class, () -> new Sgd(0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Ftrl(1, 1, -1, 0));
  }
}
