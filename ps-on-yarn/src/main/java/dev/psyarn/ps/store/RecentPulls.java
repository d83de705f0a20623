package dev.psyarn.ps.store;

import java.util.Arrays;

/**
 * A {@link KeyValueTable}'s last {@value #LISTS} pulled key lists in which every key was present
 * (copies), their slots, and the table's bucket moves at the time. A training loop pushes gradients
 * for the keys it has just pulled, so a push finds its slots here, for a comparison of the lists,
 * instead of resolving each key again. Four lists: a worker's pull and its push follow each other
 * but for the other workers' requests and the bounded delay's. Not thread-safe.
 */
final class RecentPulls {

  static final int LISTS = 4;

  private final long[][] keys = new long[LISTS][];
  private final int[] length = new int[LISTS];
  private final int[][] slots = new int[LISTS][];
  private final boolean[] oneRun = new boolean[LISTS];
  private final int[] moves = new int[LISTS];
  private int next;

  /**
   * The slots of a kept list equal to {@code request} (its first {@code request.length} entries),
   * if the table's buckets have not moved since ({@code movesNow}); else null.
   */
  KeyValueTable.Slots find(long[] request, int movesNow) {
    int n = request.length;
    for (int r = 0; r < LISTS; r++) {
      long[] seen = keys[r];
      if (length[r] == n && moves[r] == movesNow && seen[0] == request[0] && seen[n - 1] == request[n - 1]
          && Arrays.equals(seen, 0, n, request, 0, n)) {
        return new KeyValueTable.Slots(slots[r], oneRun[r]);
      }
    }
    return null;
  }

  /** Keeps a copy of {@code request} and its slots {@code found}, unless a key is missing (a slot below 0). */
  void keep(long[] request, KeyValueTable.Slots found, int movesNow) {
    int n = request.length;
    int[] at = found.at();
    for (int i = 0; i < n; i++) {
      if (at[i] < 0) {
        return;
      }
    }
    int r = next;
    next = (r + 1) % LISTS;
    if (keys[r] == null || keys[r].length < n) {
      keys[r] = new long[n];
      slots[r] = new int[n];
    }
    System.arraycopy(request, 0, keys[r], 0, n);
    System.arraycopy(at, 0, slots[r], 0, n);
    length[r] = n;
    oneRun[r] = found.oneRun();
    moves[r] = movesNow;
  }

  /** Bytes held: the kept lists' keys and slots. */
  long bytes() {
    long bytes = 0;
    for (long[] list : keys) {
      bytes += list == null ? 0 : (long) list.length * (Long.BYTES + Integer.BYTES);
    }
    return bytes;
  }
}
