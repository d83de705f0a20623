package dev.psyarn.mapreduce.jobs;

/** Preprocessing failed: the message says which job (with its id), why, and what to do. */
public final class PreprocessException extends Exception {

  private final String jobId;

  public PreprocessException(String jobId, String message) {
    super(message);
    this.jobId = jobId;
  }

  /** The failed MapReduce job's id, or null when no job was submitted. */
  public String jobId() {
    return jobId;
  }
}
