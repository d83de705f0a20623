package dev.psyarn.cli;

import dev.psyarn.specs.SpecException;
import java.io.IOException;
import java.io.PrintStream;
import org.apache.hadoop.yarn.exceptions.ApplicationNotFoundException;
import org.apache.hadoop.yarn.exceptions.YarnException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Turns a subcommand's failure into one clear line on stderr and a meaningful exit status. */
final class Failures implements IExecutionExceptionHandler {

  private final PrintStream err;

  Failures(PrintStream err) {
    this.err = err;
  }

  /**
   * A refusal of access: Hadoop's AccessControlException, or YARN's refusal under its ACLs (a
   * YarnException carrying a java.security.AccessControlException, by cause or by its message).
   */
  static boolean refusedAccess(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.hadoop.security.AccessControlException
          || t instanceof java.security.AccessControlException) {
        return true;
      }
      if (t instanceof YarnException && String.valueOf(t.getMessage()).startsWith("java.security.AccessControlException")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
    if (e instanceof SpecException spec) {
      for (SpecException one : spec.all()) {
        err.println("psyarn: invalid spec: " + one.getMessage());
      }
      err.println("Nothing was submitted. Fix the " + (spec.all().size() == 1 ? "field named above"
          : spec.all().size() + " fields named above") + "; `psyarn validate FILE` checks a spec.");
      return ExitCodes.INVALID_SPEC;
    }
    if (e instanceof ContainerLogs.NotFound) {
      err.println("psyarn: " + e.getMessage());
      return ExitCodes.NOT_FOUND;
    }
    if (e instanceof ApplicationNotFoundException) {
      err.println("psyarn: no such application: " + e.getMessage());
      return ExitCodes.NOT_FOUND;
    }
    if (refusedAccess(e)) {
      err.println("psyarn: permission denied: " + e.getMessage());
      return ExitCodes.PERMISSION_DENIED;
    }
    if (e instanceof IllegalArgumentException) {
      err.println("psyarn: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (e instanceof IOException || e instanceof YarnException) {
      err.println("psyarn: cluster error: " + e.getMessage());
      return ExitCodes.CLUSTER_ERROR;
    }
    err.println("psyarn: unexpected error: " + e);
    e.printStackTrace(err);
    return ExitCodes.CLUSTER_ERROR;
  }
}
