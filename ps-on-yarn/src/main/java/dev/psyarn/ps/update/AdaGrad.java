package dev.psyarn.ps.update;

/**
 * AdaGrad (Duchi et al. 2011): each coordinate's step shrinks with the squared gradients it has
 * seen, {@code g += l2 * w; n += g²; w -= rate * g / (sqrt(n) + epsilon)}. The slot holds w then n.
 * The L2 term is applied when a key is pushed (lazily, as FTRL's is).
 *
 * @param rate the learning rate
 * @param epsilon added to the denominator, for the first steps
 * @param l2 L2 strength (0: none)
 */
public record AdaGrad(float rate, float epsilon, float l2) implements Updater {

  /** AdaGrad without L2. */
  public AdaGrad(float rate, float epsilon) {
    this(rate, epsilon, 0);
  }

  public AdaGrad {
    if (!(l2 >= 0)) {
      throw new IllegalArgumentException("l2 must be zero or more, got " + l2);
    }
    if (!(rate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + rate);
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("epsilon must be positive, got " + epsilon);
    }
  }

  @Override
  public int slotWidth(int width) {
    return 2 * width;
  }

  @Override
  public void push(float[] slots, int at, float[] pushed, int from, int width) {
    for (int j = 0; j < width; j++) {
      float g = pushed[from + j] + l2 * slots[at + j];
      float n = slots[at + width + j] + g * g;
      slots[at + width + j] = n;
      slots[at + j] -= rate * g / ((float) Math.sqrt(n) + epsilon);
    }
  }

  @Override
  public void pull(float[] slots, int at, float[] out, int to, int width) {
    System.arraycopy(slots, at, out, to, width);
  }
}
