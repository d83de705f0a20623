package dev.psyarn.am;

/**
 * The job's progress, 0 to 1: written by the lifecycle on the event thread, read by the AMRM
 * client's heartbeat thread for the ResourceManager.
 */
final class JobProgress {

  private volatile float value;

  float get() {
    return value;
  }

  void set(float progress) {
    value = progress;
  }
}
