package dev.psyarn.cli;

/** What the {@code psyarn} command's exit status means. */
public final class ExitCodes {
  /** Done; for a job, it succeeded. */
  public static final int OK = 0;
  /** The job failed. */
  public static final int JOB_FAILED = 1;
  /** The command line was wrong. */
  public static final int USAGE = 2;
  /** The job spec is not valid; nothing was submitted. */
  public static final int INVALID_SPEC = 3;
  /** The job was killed. */
  public static final int JOB_KILLED = 4;
  /** The cluster could not be reached or refused the request. */
  public static final int CLUSTER_ERROR = 5;
  /** No such application. */
  public static final int NOT_FOUND = 6;
  /** You may not do that to this job: it is not yours (kill, flex). */
  public static final int PERMISSION_DENIED = 7;

  private ExitCodes() {}
}
