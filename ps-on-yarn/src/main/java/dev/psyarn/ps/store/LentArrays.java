package dev.psyarn.ps.store;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A few large arrays lent out and given back: a push's values are copied into one while the push
 * is forwarded to its replicas, so large pushes allocate (and the heap zeroes) nothing. Small
 * arrays are just allocated. Thread-safe.
 */
final class LentArrays {

  private static final int SMALL = 1 << 14;
  private static final int KEPT = 8;
  private final ArrayDeque<float[]> free = new ArrayDeque<>();

  /** An array of at least {@code count} floats (at most twice as many), its contents undefined. */
  synchronized float[] borrow(int count) {
    if (count >= SMALL) {
      for (Iterator<float[]> it = free.iterator(); it.hasNext(); ) {
        float[] a = it.next();
        if (a.length >= count && a.length <= count * 2L) {
          it.remove();
          return a;
        }
      }
    }
    return new float[count];
  }

  /** Gives an array back once nothing reads it any more. */
  synchronized void giveBack(float[] a) {
    if (a != null && a.length >= SMALL) {
      if (free.size() == KEPT) {
        free.pollFirst();
      }
      free.addLast(a);
    }
  }
}
