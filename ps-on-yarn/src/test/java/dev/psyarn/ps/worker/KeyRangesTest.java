package dev.psyarn.ps.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class KeyRangesTest {

  @Test
  void evenRangesCoverTheWholeKeySpaceWithoutGaps() {
    KeyRanges r = KeyRanges.even(3);
    assertEquals(Long.MIN_VALUE, r.start(0));
    assertEquals(Long.MAX_VALUE, r.end(2));
    for (int i = 0; i + 1 < r.size(); i++) {
      assertEquals(r.end(i) + 1, r.start(i + 1));
    }
    assertEquals(0, r.rangeOf(Long.MIN_VALUE));
    assertEquals(2, r.rangeOf(Long.MAX_VALUE));
    assertEquals(1, r.rangeOf(r.start(1)));
    assertEquals(0, r.rangeOf(r.start(1) - 1));
  }

  @Test
  void sliceSplitsSortedKeysByRange() {
    KeyRanges r = KeyRanges.even(4);
    long[] keys = {Long.MIN_VALUE, -5, -1, 0, 1, Long.MAX_VALUE};
    int[] bounds = r.slice(keys);
    assertEquals(5, bounds.length);
    for (int s = 0; s < 4; s++) {
      for (int i = bounds[s]; i < bounds[s + 1]; i++) {
        assertEquals(s, r.rangeOf(keys[i]), "key " + keys[i]);
      }
    }
    assertEquals(keys.length, bounds[4]);
  }

  @Test
  void sliceOfNoKeysIsEmpty() {
    assertArrayEquals(new int[] {0, 0, 0}, KeyRanges.even(2).slice(new long[0]));
  }

  @Test
  void rangesMustStartAtMinimumAndAscend() {
    assertThrows(IllegalArgumentException.class, () -> new KeyRanges(new long[] {0}));
    assertThrows(IllegalArgumentException.class, () -> new KeyRanges(new long[] {Long.MIN_VALUE, 5, 5}));
    assertThrows(IllegalArgumentException.class, () -> KeyRanges.even(0));
  }
}
