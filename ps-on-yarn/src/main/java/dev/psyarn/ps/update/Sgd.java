package dev.psyarn.ps.update;

/**
 * Plain stochastic gradient descent: pushed vectors are gradients, {@code w -= rate * (g + l2 * w)}.
 *
 * @param rate the learning rate
 * @param l2 the L2 regularization strength
 */
public record Sgd(float rate, float l2) implements Updater {

  public Sgd {
    if (!(rate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + rate);
    }
    if (!(l2 >= 0)) {
      throw new IllegalArgumentException("l2 must be zero or positive, got " + l2);
    }
  }

  @Override
  public int slotWidth(int width) {
    return width;
  }

  @Override
  public void push(float[] slots, int at, float[] pushed, int from, int width) {
    for (int j = 0; j < width; j++) {
      float w = slots[at + j];
      slots[at + j] = w - rate * (pushed[from + j] + l2 * w);
    }
  }

  @Override
  public void pull(float[] slots, int at, float[] out, int to, int width) {
    System.arraycopy(slots, at, out, to, width);
  }
}
