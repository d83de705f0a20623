package dev.psyarn.ps.update;

/**
 * FTRL-proximal (McMahan et al., "Ad Click Prediction: a View from the Trenches", KDD 2013), the
 * per-coordinate online learner with L1 and L2 regularization that keeps sparse models sparse.
 * The slot holds z then n; the weight is computed from them when read:
 * {@code w = 0 if |z| <= l1, else -(z - sign(z) l1) / ((beta + sqrt(n)) / alpha + l2)}.
 *
 * @param alpha the learning rate
 * @param beta smoothing of the per-coordinate rate (1 is usual)
 * @param l1 L1 strength: weights whose |z| stays below it are exactly zero
 * @param l2 L2 strength
 */
public record Ftrl(float alpha, float beta, float l1, float l2) implements Updater {

  public Ftrl {
    if (!(alpha > 0)) {
      throw new IllegalArgumentException("alpha must be positive, got " + alpha);
    }
    if (!(beta >= 0) || !(l1 >= 0) || !(l2 >= 0)) {
      throw new IllegalArgumentException("beta, l1 and l2 must be zero or positive");
    }
  }

  @Override
  public int slotWidth(int width) {
    return 2 * width;
  }

  @Override
  public void push(float[] slots, int at, float[] pushed, int from, int width) {
    for (int j = 0; j < width; j++) {
      float g = pushed[from + j];
      float z = slots[at + j];
      float n = slots[at + width + j];
      float w = weight(z, n);
      float nNew = n + g * g;
      float sigma = ((float) Math.sqrt(nNew) - (float) Math.sqrt(n)) / alpha;
      slots[at + j] = z + g - sigma * w;
      slots[at + width + j] = nNew;
    }
  }

  @Override
  public void pull(float[] slots, int at, float[] out, int to, int width) {
    for (int j = 0; j < width; j++) {
      out[to + j] = weight(slots[at + j], slots[at + width + j]);
    }
  }

  /**
   * The z and n that read as the given weights with no gradient seen (n = 0, or alpha² when
   * beta and l2 are both zero, which would leave the weight undefined): inverts {@link #weight}.
   */
  @Override
  public void set(float[] slots, int at, float[] values, int from, int width) {
    float n = beta == 0 && l2 == 0 ? alpha * alpha : 0f;
    float d = (beta + (float) Math.sqrt(n)) / alpha + l2;
    for (int j = 0; j < width; j++) {
      float w = values[from + j];
      slots[at + j] = w == 0 ? 0f : -(w * d + Math.signum(w) * l1);
      slots[at + width + j] = n;
    }
  }

  float weight(float z, float n) {
    if (Math.abs(z) <= l1) {
      return 0f;
    }
    return -(z - Math.signum(z) * l1) / ((beta + (float) Math.sqrt(n)) / alpha + l2);
  }
}
