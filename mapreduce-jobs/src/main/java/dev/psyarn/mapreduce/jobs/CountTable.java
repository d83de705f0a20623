package dev.psyarn.mapreduce.jobs;

import java.util.Arrays;

/**
 * One declared feature's counts, or one family's tuples' ({@link FeatureCounts}): open addressing,
 * a slot one word, a fingerprint's top 40 bits beside its count's low 24 (a count that outgrows them carries the rest into a side array,
 * made when first needed), its home slot given by the fingerprint's low bits, up to three
 * quarters full. A route by hour's 39,000 flights values take 512 kB, where a slot of a whole
 * fingerprint and a count, half full at most, took 2 MB, more than a core's L2 (7.5 % of the
 * one-JVM stage's CPU). A word of 0 marks a free slot. The texts are touched only when new, and
 * when the table grows (their fingerprints give the slots again).
 */
final class CountTable {
  private static final long COUNT = (1L << 24) - 1;
  private long[] slots = new long[16];
  private byte[][] texts = new byte[16][];
  /** What each slot's count carried past its 24 bits; null while none has. */
  private long[] carried;
  private int mask = 15;
  private int size;

  /**
   * Counts one occurrence of the text whose fingerprint ({@link FeatureCounts#fingerprint}) is
   * given; true when the fingerprint is new here (its text is then kept).
   */
  boolean add(long fingerprint, byte[] text, int length) {
    long tag = fingerprint & ~COUNT;
    for (int i = (int) fingerprint & mask;; i = (i + 1) & mask) {
      long slot = slots[i];
      if (slot == 0) {
        slots[i] = tag | 1;
        texts[i] = Arrays.copyOf(text, length);
        if (++size > mask - (mask >> 2)) {
          grow();
        }
        return true;
      }
      if ((slot & ~COUNT) == tag) {
        if ((slot & COUNT) == COUNT) {
          if (carried == null) {
            carried = new long[mask + 1];
          }
          carried[i] += COUNT;
          slot = tag;
        }
        slots[i] = slot + 1;
        return false;
      }
    }
  }

  /** Counts {@code by} (at least 1) occurrences at once; true when the fingerprint is new here. */
  boolean add(long fingerprint, byte[] text, int length, long by) {
    long tag = fingerprint & ~COUNT;
    for (int i = (int) fingerprint & mask;; i = (i + 1) & mask) {
      long slot = slots[i];
      boolean fresh = slot == 0;
      if (fresh || (slot & ~COUNT) == tag) {
        long sum = (fresh ? 0 : slot & COUNT) + by;
        if (sum >= COUNT) {
          // The slot keeps 1, the side array the rest.
          if (carried == null) {
            carried = new long[mask + 1];
          }
          carried[i] += sum - 1;
          sum = 1;
        }
        slots[i] = tag | sum;
        if (fresh) {
          texts[i] = Arrays.copyOf(text, length);
          if (++size > mask - (mask >> 2)) {
            grow();
          }
        }
        return fresh;
      }
    }
  }

  int size() {
    return size;
  }

  /** Gives each text held and its count, then holds nothing. */
  void drain(FeatureCounts.TextCounts to) {
    for (int i = 0; i <= mask; i++) {
      if (slots[i] != 0) {
        to.accept(texts[i], (slots[i] & COUNT) + (carried == null ? 0 : carried[i]));
      }
    }
    Arrays.fill(slots, 0);
    Arrays.fill(texts, null);
    carried = null;
    size = 0;
  }

  private void grow() {
    long[] oldSlots = slots;
    byte[][] oldTexts = texts;
    long[] oldCarried = carried;
    int capacity = 2 * (mask + 1);
    slots = new long[capacity];
    texts = new byte[capacity][];
    carried = oldCarried == null ? null : new long[capacity];
    mask = capacity - 1;
    for (int j = 0; j < oldTexts.length; j++) {
      if (oldSlots[j] == 0) {
        continue;
      }
      int i = (int) FeatureCounts.fingerprint(oldTexts[j], oldTexts[j].length) & mask;
      while (slots[i] != 0) {
        i = (i + 1) & mask;
      }
      slots[i] = oldSlots[j];
      texts[i] = oldTexts[j];
      if (oldCarried != null) {
        carried[i] = oldCarried[j];
      }
    }
  }
}
