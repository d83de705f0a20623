package dev.psyarn.am;

/** Where one container is in its life, as the AM tracks it. */
public enum ContainerState {
  /** YARN gave it to the AM; being launched. */
  ALLOCATED,
  /** Its NodeManager started it; it has not registered yet. */
  STARTED,
  /** It registered on the control plane and is at work. */
  REGISTERED,
  /** A worker that reported its results; it exits next. */
  FINISHED,
  /** The AM asked its NodeManager to stop it (hung, never registered); its exit is on its way. */
  STOPPING,
  /** It exited; its exit code and reason are known. */
  COMPLETED;

  /** Whether it still holds (or is about to hold) a process. */
  public boolean live() {
    return this != COMPLETED;
  }
}
