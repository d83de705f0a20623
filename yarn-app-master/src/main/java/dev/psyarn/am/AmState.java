package dev.psyarn.am;

/** The ApplicationMaster's lifecycle states; the last three are final. */
public enum AmState {
  /** Running the spec's MapReduce preprocessing jobs; no container asked for yet. */
  PREPROCESSING,
  /** Asking for, launching and waiting for containers to register. */
  STARTING,
  /** Every container registered; workers at work. */
  RUNNING,
  /** Every worker finished; servers are being stopped. */
  FINISHING,
  SUCCEEDED,
  FAILED,
  KILLED;

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == KILLED;
  }
}
