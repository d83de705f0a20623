package dev.psyarn.am;

/**
 * The job's progress, 0 to 1, as the ResourceManager shows it: preprocessing takes the first 30%
 * (when the job has it), registrations the next 10%, the workers' reports up to 90%, stopping the
 * servers the rest. Written on the event thread, read by the AMRM client's heartbeat thread.
 */
final class JobProgress {

  private static final float PREPROCESSING = 0.3f;

  /** Where progress starts once preprocessing is done (0 without preprocessing). */
  private final float base;
  private volatile float value;

  JobProgress(boolean preprocesses) {
    this.base = preprocesses ? PREPROCESSING : 0f;
  }

  float get() {
    return value;
  }

  /** The running MapReduce jobs are {@code fraction} done. */
  void preprocessing(float fraction) {
    value = PREPROCESSING * fraction;
  }

  void preprocessed() {
    value = PREPROCESSING;
  }

  /** {@code n} of {@code total} containers have registered. */
  void registered(int n, int total) {
    value = base + 0.1f * n / total;
  }

  /** {@code n} of {@code workers} workers have reported their results. */
  void reported(int n, int workers) {
    value = base + 0.1f + (0.8f - base) * n / workers;
  }

  /** Every worker reported; the servers are being stopped. */
  void stopping() {
    value = 0.95f;
  }

  void done() {
    value = 1f;
  }
}
