package dev.psyarn.ps.store;

import java.util.Arrays;
import java.util.function.IntSupplier;
import java.util.function.LongToIntFunction;
import java.util.function.Supplier;

/**
 * A {@link KeyValueTable}'s sorted index: its keys ascending and their slots. Requests arrive with
 * their keys sorted (paper §4: key ranges), and a dense one is resolved by walking this index
 * alongside it (a galloping merge) instead of hashing each key: sequential reads the processor
 * prefetches, where the hash map's are a cache miss a key. The index is built on the first dense
 * request; keys added since are found through the hash map, which stays the table's index of
 * record, and merged into the index by a dense request once they exceed 1/16 of it (or, past a
 * quarter, the index is dropped until a dense request builds it again). The table drops it when its
 * buckets move.
 *
 * <p>A dense loop asks for the same keys again and again, mostly a stretch of the index as it is
 * (a server's whole range, or a piece of it): where the request's keys and the index's agree for
 * more than a key, the stretch is compared and its slots copied a vector at a time. Not thread-safe.
 */
final class SortedIndex {

  private long[] keys;
  private int[] slots;
  /** Whether the index's slots are one ascending run ({@code slots[j] == slots[0] + j}): its keys came in key order. */
  private boolean oneRun;
  /** Keys added since the index was built, in the order added (tracked while it exists). */
  private long[] fresh = new long[64];
  private int freshCount;

  /**
   * Resolves {@code request} into {@code at}, building or merging the index first when due: a key
   * the index lacks goes to {@code find} (the table's lookup, or its lookup that adds the key). The
   * walk is for ascending requests; a key out of order is still found, through {@code find}. Stops
   * early when {@code moves} changes (the table's buckets moved, the slots found are stale, and the
   * table resolves again). Answers whether the slots are one ascending run (the request was one
   * stretch of an index whose slots are).
   */
  boolean resolve(long[] request, int[] at, LongToIntFunction find, IntSupplier moves, Supplier<long[]> allKeys,
      LongToIntFunction slot) {
    if (!ready()) {
      merge(allKeys, slot);
    }
    long[] index = keys;
    int[] indexSlots = slots;
    int movesBefore = moves.getAsInt();
    int n = index.length;
    int j = 0;
    int stretches = 0;
    for (int i = 0; i < request.length; i++) {
      long k = request[i];
      if (j < n && index[j] < k) {
        int step = 1;
        int low = j;
        while (j + step < n && index[j + step] < k) {
          low = j + step;
          step <<= 1;
        }
        int high = Math.min(j + step, n); // index[low] < k <= index[high], or high == n
        while (high - low > 1) {
          int mid = (low + high) >>> 1;
          if (index[mid] < k) {
            low = mid;
          } else {
            high = mid;
          }
        }
        j = high;
      }
      if (j < n && index[j] == k) {
        if (i + 1 < request.length && j + 1 < n && request[i + 1] == index[j + 1]) {
          int len = Math.min(request.length - i, n - j);
          int same = Arrays.mismatch(request, i, i + len, index, j, j + len);
          same = same < 0 ? len : same;
          System.arraycopy(indexSlots, j, at, i, same);
          i += same - 1;
          j += same - 1;
        } else {
          at[i] = indexSlots[j];
        }
        stretches++;
      } else {
        at[i] = find.applyAsInt(k); // added since the index was built, or missing
        stretches += 2; // whatever follows, the request is not one stretch
        if (moves.getAsInt() != movesBefore) {
          return false;
        }
      }
    }
    return stretches == 1 && oneRun;
  }

  /** Whether the index is built and has no keys to merge before the next request. */
  boolean ready() {
    return keys != null && freshCount * 16L <= keys.length;
  }

  /**
   * Builds the index from every key of the table, or merges the keys added since into it. The keys
   * added since are few (see {@link #added}), so a merge is one pass over the index.
   */
  private void merge(Supplier<long[]> allKeys, LongToIntFunction slot) {
    long[] added;
    if (keys == null) {
      added = allKeys.get();
      keys = new long[0];
      slots = new int[0];
    } else {
      added = Arrays.copyOf(fresh, freshCount);
    }
    Arrays.sort(added);
    long[] old = keys;
    int[] oldSlots = slots;
    long[] merged = new long[old.length + added.length];
    int[] mergedSlots = new int[merged.length];
    int a = 0;
    int b = 0;
    for (int o = 0; o < merged.length; o++) {
      if (b == added.length || (a < old.length && old[a] < added[b])) {
        merged[o] = old[a];
        mergedSlots[o] = oldSlots[a++];
      } else {
        merged[o] = added[b];
        mergedSlots[o] = slot.applyAsInt(added[b++]);
      }
    }
    keys = merged;
    slots = mergedSlots;
    freshCount = 0;
    oneRun = true;
    for (int j = 1; j < mergedSlots.length && oneRun; j++) {
      oneRun = mergedSlots[j] == mergedSlots[0] + j;
    }
  }

  /** A key the table just gave a slot: tracked for the next merge while the index exists. */
  void added(long key) {
    if (keys == null) {
      return;
    }
    if (freshCount >= keys.length / 4 + 64) {
      // Keys keep arriving and no dense request merges them: drop the index (the next dense
      // request builds it anew) rather than track them all.
      drop();
    } else {
      if (freshCount == fresh.length) {
        fresh = Arrays.copyOf(fresh, fresh.length * 2);
      }
      fresh[freshCount++] = key;
    }
  }

  /** Forgets the index (the table's buckets moved). */
  void drop() {
    keys = null;
    slots = null;
    freshCount = 0;
  }

  /** Bytes held. */
  long bytes() {
    return (keys == null ? 0 : (long) keys.length * (Long.BYTES + Integer.BYTES)) + (long) fresh.length * Long.BYTES;
  }
}
