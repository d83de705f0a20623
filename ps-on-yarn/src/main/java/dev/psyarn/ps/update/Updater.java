package dev.psyarn.ps.update;

/**
 * Applies pushed vectors to a key's stored slot and reads the slot back as the values workers
 * pull. A slot may hold more than the values (AdaGrad keeps squared-gradient sums, FTRL its z and
 * n); a slot of zeros is a key never pushed, and must read as zeros. Implementations are stateless
 * apart from their settings, so one instance serves every key of a table.
 */
public interface Updater {

  /** Floats stored per key for values of {@code width} floats. */
  int slotWidth(int width);

  /** Applies one pushed vector ({@code width} floats at {@code from}) to the slot at {@code at}. */
  void push(float[] slots, int at, float[] pushed, int from, int width);

  /**
   * Applies {@code rows} pushed vectors, one after another from {@code from}, to as many slots one
   * after another from {@code at} (keys whose slots are neighbours, as a dense request's are in a
   * table of wide slots). The default applies them one by one; {@link #SUM} adds the whole run in
   * one loop, which the JIT compiles to vector instructions.
   */
  default void push(float[] slots, int at, float[] pushed, int from, int width, int rows) {
    int slotWidth = slotWidth(width);
    for (int r = 0; r < rows; r++) {
      push(slots, at + r * slotWidth, pushed, from + r * width, width);
    }
  }

  /** Writes the key's values ({@code width} floats) from the slot at {@code at} to {@code out}. */
  void pull(float[] slots, int at, float[] out, int to, int width);

  /** As {@link #pull(float[], int, float[], int, int)}, for {@code rows} slots one after another (see the run's push). */
  default void pull(float[] slots, int at, float[] out, int to, int width, int rows) {
    int slotWidth = slotWidth(width);
    for (int r = 0; r < rows; r++) {
      pull(slots, at + r * slotWidth, out, to + r * width, width);
    }
  }

  /**
   * Makes the slot at {@code at} read as {@code values} ({@code width} floats at {@code from}), as
   * a fresh key would after a model was loaded into it (a warm start): the values go in the slot's
   * first {@code width} floats and its state (AdaGrad's sums) starts at zero. Updaters that derive
   * the values from their state (FTRL) override this.
   */
  default void set(float[] slots, int at, float[] values, int from, int width) {
    System.arraycopy(values, from, slots, at, width);
    java.util.Arrays.fill(slots, at + width, at + slotWidth(width), 0f);
  }

  /** Pushed values are added to the stored ones. */
  Updater SUM = new Updater() {
    @Override
    public int slotWidth(int width) {
      return width;
    }

    @Override
    public void push(float[] slots, int at, float[] pushed, int from, int width) {
      for (int j = 0; j < width; j++) {
        slots[at + j] += pushed[from + j];
      }
    }

    @Override
    public void push(float[] slots, int at, float[] pushed, int from, int width, int rows) {
      int n = width * rows;
      for (int j = 0; j < n; j++) {
        slots[at + j] += pushed[from + j];
      }
    }

    @Override
    public void pull(float[] slots, int at, float[] out, int to, int width) {
      System.arraycopy(slots, at, out, to, width);
    }

    @Override
    public void pull(float[] slots, int at, float[] out, int to, int width, int rows) {
      System.arraycopy(slots, at, out, to, width * rows);
    }

    @Override
    public String toString() {
      return "sum";
    }
  };
}
