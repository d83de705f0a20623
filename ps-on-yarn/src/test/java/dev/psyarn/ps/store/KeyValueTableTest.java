package dev.psyarn.ps.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeyValueTableTest {

  @Test
  void addAccumulatesAndMissingKeysReadAsZero() {
    KeyValueTable t = new KeyValueTable(2);
    t.add(new long[] {7, 9}, new float[] {1, 2, 3, 4});
    t.add(new long[] {9}, new float[] {10, 20});
    float[] out = new float[6];
    t.get(new long[] {7, 8, 9}, out);
    assertArrayEquals(new float[] {1, 2, 0, 0, 13, 24}, out);
    assertEquals(2, t.size());
  }

  @Test
  void growsPastItsInitialCapacity() {
    KeyValueTable t = new KeyValueTable(3);
    int n = 5000;
    long[] keys = new long[n];
    float[] values = new float[n * 3];
    for (int i = 0; i < n; i++) {
      keys[i] = i * 1_000_003L;
      values[i * 3 + 2] = i;
    }
    t.add(keys, values);
    float[] out = new float[n * 3];
    t.get(keys, out);
    assertArrayEquals(values, out);
    assertEquals(n, t.size());
  }

  @Test
  void storesAKeyInAtMost24BytesAnd32WithFtrlAtEverySize() {
    // A key (8 bytes) and its slot's floats (4 each) in buckets at most 65% full, grown by a
    // fifth: at most 22.2 bytes a key for width 1, 29.5 with FTRL's z and n, wherever the size
    // falls. (54,135 is the flights task's key count.)
    for (int n : new int[] {5_000, 54_135, 100_000, 262_144, 333_333}) {
      KeyValueTable sum = new KeyValueTable(1);
      KeyValueTable ftrl = new KeyValueTable(1, new dev.psyarn.ps.update.Ftrl(0.1f, 1, 0, 0));
      long[] keys = new long[n];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = i * 31L;
      }
      // In no order: through the buckets alone (a sorted request builds the sorted index too).
      java.util.Random random = new java.util.Random(n);
      for (int i = keys.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        long swap = keys[i];
        keys[i] = keys[j];
        keys[j] = swap;
      }
      sum.add(keys, new float[keys.length]);
      ftrl.add(keys, new float[keys.length]);
      double perKey = sum.bytesUsed() / (double) sum.size();
      double perKeyFtrl = ftrl.bytesUsed() / (double) ftrl.size();
      assertTrue(perKey >= 18 && perKey <= 22.3, n + " keys, sum: " + perKey + " bytes a key");
      assertTrue(perKeyFtrl > perKey && perKeyFtrl <= 29.6, n + " keys, ftrl keeps two floats a key: " + perKeyFtrl);
    }
  }

  /** Width 1 keeps its values inline (a key's bucket is its slot), width 8 numbers its slots in the order keys came. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 8})
  void keysOfEveryKindSurviveTheTableGrowingInTheMiddleOfARequest(int width) {
    // Key 0 (the empty bucket's mark, kept apart), negative and extreme keys, keys that differ in
    // high bits only; pushes of new keys large enough to grow the table midway, sorted (through the
    // sorted index) and not; the values each key had before every growth go with it.
    java.util.Random random = new java.util.Random(3);
    KeyValueTable t = new KeyValueTable(3, new dev.psyarn.ps.update.Ftrl(0.1f, 1, 0, 0));
    KeyValueTable sum = new KeyValueTable(width);
    java.util.Map<Long, Float> model = new java.util.HashMap<>();
    long[] special = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40, -(1L << 40)};
    for (int round = 0; round < 40; round++) {
      int n = 1 + random.nextInt(round < 5 ? 50 : 5000);
      long[] keys = java.util.stream.LongStream.concat(java.util.Arrays.stream(special),
          random.longs(n).map(k -> random.nextBoolean() ? k : (k & 0xFFFF) << 44)).distinct().toArray();
      if (random.nextBoolean()) {
        java.util.Arrays.sort(keys);
      }
      float[] pushed = new float[keys.length * width];
      for (int i = 0; i < keys.length; i++) {
        float v = 1 + random.nextInt(5);
        java.util.Arrays.fill(pushed, i * width, (i + 1) * width, v);
        if (width > 1) {
          pushed[i * width + width - 1] = -v; // the last of a key's floats differs from the others
        }
        model.merge(keys[i], v, Float::sum);
      }
      sum.add(keys, pushed);
      t.add(keys, new float[keys.length * 3]);
    }
    long[] all = model.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
    assertEquals(all.length, sum.size());
    assertArrayEquals(all, sum.keys());
    assertEquals(all.length, t.size());
    float[] out = new float[all.length * width];
    sum.get(all, out);
    for (int i = 0; i < all.length; i++) {
      for (int j = 0; j < width; j++) {
        float expected = j == width - 1 && width > 1 ? -model.get(all[i]) : model.get(all[i]);
        assertEquals(expected, out[i * width + j], 0f, "key " + all[i] + " float " + j);
      }
    }
    KeyValueTable.Image image = sum.copy();
    assertArrayEquals(all, image.keys());
    assertEquals(0f, sum.copy(k -> k == 12345).slots().length, 0f);
    KeyValueTable loaded = new KeyValueTable(width);
    loaded.load(image, k -> true);
    float[] again = new float[all.length * width];
    loaded.get(all, again);
    assertArrayEquals(out, again, "a table loaded from the image reads the same");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {2, 4, 16})
  void denseSparseAndUnsortedRequestsAgreeWithAPlainMap(int width) {
    // Dense requests go through the sorted index, sparse and unsorted ones through the hash map;
    // keys keep arriving in between, so the index is built, merged, dropped and rebuilt.
    java.util.Random random = new java.util.Random(11);
    KeyValueTable t = new KeyValueTable(width);
    java.util.Map<Long, float[]> model = new java.util.HashMap<>();
    for (int round = 0; round < 300; round++) {
      int n = random.nextInt(4) == 0 ? 1 + random.nextInt(40) : 64 + random.nextInt(3000);
      long range = random.nextBoolean() ? 4000 : 1L << 40;
      long[] keys = random.longs(n, 0, range).distinct().toArray();
      if (random.nextInt(5) > 0) {
        java.util.Arrays.sort(keys);
      }
      if (random.nextBoolean()) {
        push(t, model, keys, width, random);
      } else {
        pull(t, model, keys, width, round);
      }
      assertEquals(model.size(), t.size());
    }
    assertHoldsTheModel(t, model, width);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 16})
  void aPushOfTheKeysJustPulledIsAppliedToThemEvenWhenTheListChangedInPlaceOrTheTableGrewMeanwhile(int width) {
    // A pull's slots are kept for a push of the same list: the push may be the very array, a copy,
    // the array with a key changed in its middle (first and last the same), and new keys may have
    // grown the table in between (every bucket moved).
    java.util.Random random = new java.util.Random(5);
    KeyValueTable t = new KeyValueTable(width);
    java.util.Map<Long, float[]> model = new java.util.HashMap<>();
    long[] all = random.longs(3000, 1, 1L << 40).distinct().sorted().toArray();
    push(t, model, all, width, random);
    for (int round = 0; round < 400; round++) {
      long[] keys = java.util.stream.IntStream.range(0, all.length).filter(i -> random.nextInt(3) == 0)
          .mapToLong(i -> all[i]).toArray();
      pull(t, model, keys, width, round);
      switch (round % 4) {
        case 1 -> keys = keys.clone();
        case 2 -> keys[keys.length / 2] = keys[keys.length / 2] + 1 == keys[keys.length / 2 + 1]
            ? keys[keys.length / 2] : keys[keys.length / 2] + 1; // in place: another key, still sorted
        case 3 -> push(t, model, random.longs(2000, 1L << 41, 1L << 42).toArray(), width, random); // grows
        default -> { }
      }
      push(t, model, keys, width, random);
      pull(t, model, keys, width, round);
    }
    assertTrue(t.size() > 100_000, "the table grew between pulls and pushes: " + t.size());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 4, 16})
  void requestsOfTheSameKeysAgainReadAndAddTheRightSlotsWhateverCameBetween(int width) {
    // Pushes and pulls of a few key lists over and over (a dense loop's: stretches of the sorted
    // index, or a recent pull's list): lists whose keys came in key order (their slots one run)
    // and lists whose keys came shuffled or with gaps (not one run); a list changed in place, the
    // table grown between two requests of one list (every bucket moved), a list with a key missing.
    java.util.Random random = new java.util.Random(17);
    KeyValueTable t = new KeyValueTable(width);
    java.util.Map<Long, float[]> model = new java.util.HashMap<>();
    long[] inOrder = java.util.stream.LongStream.range(1, 3001).map(k -> k * 7919).toArray();
    push(t, model, inOrder, width, random); // slots 0..2999 in key order
    long[] shuffled = random.longs(2000, 1L << 30, 1L << 31).distinct().toArray();
    push(t, model, shuffled, width, random); // slots in the order shuffled keys came
    java.util.Arrays.sort(shuffled); // the same keys sorted: their slots are no run
    long[] everyOther = java.util.stream.IntStream.range(0, inOrder.length / 2).mapToLong(i -> inOrder[2 * i]).toArray();
    long[] withAMissingKey = inOrder.clone();
    withAMissingKey[1500] = inOrder[1500] + 1; // never pushed: reads as zeros until pushed
    long[][] lists = {inOrder, shuffled, everyOther, withAMissingKey};
    for (int round = 0; round < 300; round++) {
      long[] keys = lists[random.nextInt(lists.length)];
      switch (random.nextInt(6)) {
        case 0 -> keys = keys.clone();
        case 1 -> push(t, model, random.longs(1500, 1L << 41, 1L << 42).toArray(), width, random); // may grow
        case 2 -> { // in place, first and last the same: another list under the same array
          int i = 1 + random.nextInt(keys.length - 2);
          if (keys[i] + 1 < keys[i + 1]) {
            keys[i]++;
          }
        }
        default -> { }
      }
      if (random.nextBoolean()) {
        push(t, model, keys, width, random);
      } else {
        pull(t, model, keys, width, round);
      }
    }
    assertHoldsTheModel(t, model, width);
  }

  /** The table holds the model's keys, no others, each with the model's values (read in one whole-table pull). */
  private static void assertHoldsTheModel(KeyValueTable t, java.util.Map<Long, float[]> model, int width) {
    long[] all = t.keys();
    assertEquals(model.size(), all.length);
    float[] out = new float[all.length * width];
    t.get(all, out); // the whole table: dense, sorted
    for (int i = 0; i < all.length; i++) {
      assertArrayEquals(model.get(all[i]), java.util.Arrays.copyOfRange(out, width * i, width * i + width), "key " + all[i]);
    }
  }

  @Test
  void aPushAppliedAFewRowsAtATimeKeepsItsSlotsWhileOtherRequestsOfItsLengthComeBetween() {
    // The push's slots were a recent pull's; pulls of five more lists of as many keys come between
    // its rows and take the place of every recent list: the rows still go to the push's keys.
    int width = 8;
    java.util.Random random = new java.util.Random(23);
    long[][] lists = new long[6][];
    for (int l = 0; l < lists.length; l++) {
      lists[l] = random.longs(3000, 1, 1L << 40).distinct().limit(2000).sorted().toArray();
    }
    KeyValueTable whole = new KeyValueTable(width);
    KeyValueTable rows = new KeyValueTable(width);
    float[] pushed = new float[2000 * width];
    for (int i = 0; i < pushed.length; i++) {
      pushed[i] = 1 + random.nextInt(5);
    }
    for (KeyValueTable t : new KeyValueTable[] {whole, rows}) {
      for (long[] list : lists) {
        t.add(list, new float[list.length * width]);
      }
      t.get(lists[0], new float[2000 * width]); // lists[0] is a recent request's
    }
    whole.add(lists[0], pushed);
    TableRows cursor = rows.rows(lists[0], false);
    for (int done = 0; done < 2000; done += 500) {
      cursor.add(java.util.Arrays.copyOfRange(pushed, done * width, (done + 500) * width), 500);
      for (KeyValueTable t : new KeyValueTable[] {whole, rows}) {
        for (int l = 1; l < lists.length; l++) {
          t.get(lists[l], new float[lists[l].length * width]); // kept, in another list's place
          t.add(lists[l], java.util.Arrays.copyOf(pushed, lists[l].length * width));
        }
      }
    }
    assertArrayEquals(whole.copy().slots(), rows.copy().slots());
  }

  private static void push(KeyValueTable t, java.util.Map<Long, float[]> model, long[] keys, int width,
      java.util.Random random) {
    float[] pushed = new float[keys.length * width];
    for (int i = 0; i < pushed.length; i++) {
      pushed[i] = 1 + random.nextInt(7);
    }
    t.add(keys, pushed);
    for (int i = 0; i < keys.length; i++) {
      float[] v = model.computeIfAbsent(keys[i], k -> new float[width]);
      for (int j = 0; j < width; j++) {
        v[j] += pushed[width * i + j];
      }
    }
  }

  private static void pull(KeyValueTable t, java.util.Map<Long, float[]> model, long[] keys, int width, int round) {
    float[] out = new float[keys.length * width];
    t.get(keys, out);
    for (int i = 0; i < keys.length; i++) {
      assertArrayEquals(model.getOrDefault(keys[i], new float[width]),
          java.util.Arrays.copyOfRange(out, width * i, width * i + width), "round " + round + " key " + keys[i]);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 16})
  void aPushAppliedAFewRowsAtATimeEndsAsTheWholePushWouldEvenWhenTheTableGrowsOrACutOpensBetweenRows(int width) {
    java.util.Random random = new java.util.Random(11);
    long[] keys = random.longs(5000, 1, 1L << 40).distinct().sorted().toArray();
    float[] pushed = new float[keys.length * width];
    for (int i = 0; i < pushed.length; i++) {
      pushed[i] = random.nextInt(9);
    }
    long[] others = random.longs(20_000, 1L << 41, 1L << 42).distinct().toArray();
    for (boolean afterCut : new boolean[] {false, true}) {
      KeyValueTable whole = new KeyValueTable(width);
      KeyValueTable rows = new KeyValueTable(width);
      for (KeyValueTable t : new KeyValueTable[] {whole, rows}) {
        t.add(java.util.Arrays.copyOf(keys, 100), java.util.Arrays.copyOf(pushed, 100 * width)); // some keys held before
        t.openCut();
      }
      whole.add(keys, java.nio.FloatBuffer.wrap(pushed), afterCut);
      whole.add(others, new float[others.length * width]);
      TableRows cursor = rows.rows(keys, afterCut);
      int done = 0;
      for (int step = 1; done < keys.length; step = step * 3 + 1) {
        int n = Math.min(step, keys.length - done);
        cursor.add(java.util.Arrays.copyOfRange(pushed, done * width, (done + n) * width), n);
        done += n;
        if (done > keys.length / 3 && rows.size() < whole.size()) {
          rows.add(others, new float[others.length * width]); // grows the table (every bucket moves) midway
        }
      }
      assertEquals(keys.length, cursor.applied());
      assertThrows(IllegalArgumentException.class, () -> cursor.add(new float[width], 1));
      KeyValueTable.Image a = whole.image();
      KeyValueTable.Image b = rows.image();
      assertArrayEquals(a.keys(), b.keys(), "afterCut " + afterCut);
      assertArrayEquals(a.slots(), b.slots(), "afterCut " + afterCut);
      assertArrayEquals(whole.copy().slots(), rows.copy().slots(), "afterCut " + afterCut);
    }
  }

  @Test
  void shapeMismatchIsRefused() {
    KeyValueTable t = new KeyValueTable(2);
    assertThrows(IllegalArgumentException.class, () -> t.add(new long[] {1}, new float[] {1}));
    assertThrows(IllegalArgumentException.class, () -> new KeyValueTable(0));
  }
}
