package dev.psyarn.ps.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.psyarn.ps.store.ServerStore;
import dev.psyarn.ps.transport.InProcessChannel;
import dev.psyarn.ps.worker.ConsistentHashRing;
import dev.psyarn.ps.worker.KVWorker;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Numbered examples (a vocabulary and key numbers) against the same examples with their keys. */
class NumberedExamplesTest {

  private static final long BIAS = 1L << 24;

  /**
   * Examples of 1–7 features drawn from a pool that holds negative keys, keys above the bias key,
   * the bias key itself and a key repeated within a row, so that every place of the bias among a
   * batch's keys and every sign occurs.
   */
  private static Examples examples(int n, boolean valued, long seed) {
    return examples(n, valued, seed, true);
  }

  /** {@code signs}: whether the pool holds negative and very large keys (the trainer's sort takes another way). */
  private static Examples examples(int n, boolean valued, long seed, boolean signs) {
    long[] pool = signs ? new long[] {Long.MIN_VALUE + 1, -5, -1, 0, 1, 2, 7, 99, 1000, BIAS - 1, BIAS, BIAS + 3,
        1L << 40, Long.MAX_VALUE} : new long[] {0, 1, 2, 7, 99, 1000, BIAS - 1, BIAS, BIAS + 3};
    Random random = new Random(seed);
    byte[] labels = new byte[n];
    int[] offsets = new int[n + 1];
    long[] keys = new long[n * 7];
    float[] values = valued ? new float[n * 7] : null;
    int at = 0;
    for (int i = 0; i < n; i++) {
      int count = 1 + random.nextInt(7);
      for (int k = 0; k < count; k++) {
        // mostly ordinary keys, sometimes one of the pool's edge keys
        keys[at] = random.nextInt(3) == 0 ? pool[random.nextInt(pool.length)] : 200 + random.nextInt(300);
        if (valued) {
          values[at] = random.nextFloat() * 2 - 0.5f;
        }
        at++;
      }
      labels[i] = (byte) (random.nextInt(3) == 0 ? 1 : 0);
      offsets[i + 1] = at;
    }
    return new Examples(labels, offsets, keys, values, BIAS);
  }

  @Test
  void numberedExamplesHoldTheSameKeysValuesAndOrder() {
    for (boolean valued : new boolean[] {false, true}) {
      Examples data = examples(5000, valued, 3);
      Examples numbered = data.numbered();
      assertTrue(numbered.isNumbered());
      assertNull(numbered.keys);
      assertSame(numbered, numbered.numbered());
      for (int k = 1; k < numbered.vocabulary.length; k++) {
        assertTrue(numbered.vocabulary[k - 1] < numbered.vocabulary[k], "the vocabulary is sorted and distinct at " + k);
      }
      for (int k = 0; k < data.keyCount(); k++) {
        assertEquals(data.keys[k], numbered.key(k), "feature " + k);
        assertEquals(data.value(k), numbered.value(k), "feature " + k);
      }
      assertTrue(numbered.bytes() < data.bytes(), numbered.bytes() + " bytes numbered, " + data.bytes() + " as keys");
      // An epoch's shuffled copy of numbered examples is numbered and holds the same examples.
      int[] order = SparseLogisticRegression.identity(data.size());
      SparseLogisticRegression.shuffle(order, new Random(5));
      Examples copy = data.reordered(order, null);
      Examples numberedCopy = numbered.reordered(order, null);
      assertSame(numbered.vocabulary, numberedCopy.vocabulary);
      assertArrayEquals(copy.labels, numberedCopy.labels);
      assertArrayEquals(copy.offsets, numberedCopy.offsets);
      for (int k = 0; k < copy.keyCount(); k++) {
        assertEquals(copy.keys[k], numberedCopy.key(k), "feature " + k + " of the copy");
      }
      Examples again = numbered.reordered(order, numberedCopy);
      assertSame(numberedCopy.ids, again.ids, "an epoch's copy reuses the last one's arrays");
    }
  }

  /**
   * Trains the same batches from numbered examples and from their keys against two sets of real
   * stores under sequential consistency: every pull and push must carry the same keys and values,
   * so the two models are equal to the last bit.
   */
  @Test
  void trainingOnNumberedExamplesGivesTheModelOfTrainingOnTheirKeys() throws Exception {
    for (int variant = 0; variant < 4; variant++) {
      boolean valued = variant % 2 == 1;
      Examples data = examples(6000, valued, 11, variant >= 2);
      float[][] models = new float[2][];
      long[][] modelKeys = new long[2][];
      for (int form = 0; form < 2; form++) {
        Examples train = form == 0 ? data : data.numbered();
        ServerStore[] stores = {new ServerStore(1), new ServerStore(1)};
        KVWorker kv = new KVWorker(0, new ConsistentHashRing(2, 16),
            List.of(new InProcessChannel(stores[0]), new InProcessChannel(stores[1])));
        LrSettings settings = SparseLogisticRegressionTest.lrSettings(new ObjectMapper().readTree(
            "{\"data\":\"x\",\"updater\":{\"type\":\"ftrl\",\"rate\":0.1},\"consistency\":{\"model\":\"sequential\"}}"));
        kv.createTable(SparseLogisticRegression.TABLE, 1, settings.updaterSpec());
        Trainer trainer = new Trainer(kv, BIAS, settings);
        int[] order = SparseLogisticRegression.identity(train.size());
        for (int epoch = 0; epoch < 2; epoch++) {
          SparseLogisticRegression.shuffle(order, new Random(epoch));
          SparseLogisticRegression.pass(trainer, train, order, 250, Long.MAX_VALUE, 0, new LrResult(), new java.util.HashMap<>());
        }
        trainer.finish();
        modelKeys[form] = kv.keys(SparseLogisticRegression.TABLE);
        models[form] = new float[modelKeys[form].length];
        kv.waitFor(kv.pull(SparseLogisticRegression.TABLE, modelKeys[form], models[form]));
      }
      assertArrayEquals(modelKeys[0], modelKeys[1], "the same keys trained");
      assertTrue(Arrays.binarySearch(modelKeys[0], BIAS) >= 0, "the bias is trained");
      assertArrayEquals(models[0], models[1], "the same weights, variant " + variant);
    }
  }
}
