package dev.psyarn.ps.store;

import dev.psyarn.ps.update.Updater;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.Arrays;

/**
 * A {@link KeyValueTable}'s open checkpoint cut: each key's slot as it stood before the first push
 * from beyond the cut touched it, so that the table can give its image at the cut while training
 * goes on past it (see {@link KeyValueTable#add(long[], java.nio.FloatBuffer, boolean)}). Only the
 * slots such pushes touch are saved. Not thread-safe.
 */
final class CutShadow {

  private final int slotWidth;
  /** A key's place in {@link #saved}, -1 for a key not saved. */
  private final Long2IntOpenHashMap savedAt = new Long2IntOpenHashMap();
  private float[] saved;
  private int count;

  CutShadow(int slotWidth) {
    this.slotWidth = slotWidth;
    this.savedAt.defaultReturnValue(-1);
    this.saved = new float[slotWidth * 64];
  }

  /**
   * Called before a push's row ({@code width} floats of {@code src} from {@code from}) is applied
   * to the key's slot {@code slot} of {@code values}: a push from beyond the cut ({@code afterCut})
   * first saves the slot as it is, the first time it touches it; a push from before the cut is
   * applied to the saved slot as well.
   */
  void beforePush(long key, float[] values, int slot, boolean afterCut, Updater updater, float[] src, int from,
      int width) {
    int at = savedAt.get(key);
    if (afterCut && at < 0) {
      at = count++;
      if ((long) count * slotWidth > saved.length) {
        saved = Arrays.copyOf(saved, Math.max(saved.length * 2, count * slotWidth));
      }
      System.arraycopy(values, slot * slotWidth, saved, at * slotWidth, slotWidth);
      savedAt.put(key, at);
    } else if (!afterCut && at >= 0) {
      updater.push(saved, at * slotWidth, src, from, width);
    }
  }

  /** Copies the key's slot as it stood at the cut to {@code out} from {@code to}, if it was saved; else false. */
  boolean copyAtCut(long key, float[] out, int to) {
    int at = savedAt.get(key);
    if (at < 0) {
      return false;
    }
    System.arraycopy(saved, at * slotWidth, out, to, slotWidth);
    return true;
  }
}
