package dev.psyarn.client;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.Role;
import dev.psyarn.specs.SpecException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.AccessControlException;

/**
 * Checks, before anything is submitted, that every input a spec names is there and readable:
 * the preprocessing input (a file, directory or glob), the app's own inputs (sparse-lr's data,
 * shards and initial model) and the checkpoint to resume from. Each failure is a
 * {@link SpecException} naming the field, so {@code validate} and {@code submit} exit 3 with it
 * instead of the AM finding out after submission.
 */
public final class SpecInputs {

  private SpecInputs() {}

  public static void check(JobSpec spec, Configuration conf) throws IOException {
    if (spec.preprocesses()) {
      readable(conf, "preprocess.input", spec.preprocess().input());
    }
    String resumeFrom = spec.serverState().resumeFrom();
    if (resumeFrom != null) {
      Path from = new Path(resumeFrom);
      try {
        dev.psyarn.ps.store.Checkpoints.locate(from.getFileSystem(conf), from);
      } catch (IOException e) {
        throw new SpecException("resumeFrom", "cannot resume from " + from + ": " + e.getMessage());
      }
    }
    try {
      spec.app().checkInputs(spec.role(Role.WORKER).instances(), conf);
    } catch (SpecException e) {
      throw new SpecException("app." + e.field(), e.reason());
    } catch (dev.psyarn.ps.api.SettingsException e) {
      throw new SpecException("app." + e.field(), e.getMessage());
    }
  }

  /**
   * The file, directory or glob {@code given} matches at least one file, and each match can be
   * read; {@code field} names it in the error.
   */
  public static void readable(Configuration conf, String field, String given) throws IOException {
    Path path = new Path(given);
    FileSystem fs = path.getFileSystem(conf);
    FileStatus[] matches;
    try {
      matches = fs.globStatus(path);
    } catch (AccessControlException e) {
      throw new SpecException(field, "cannot read " + given + ": permission denied");
    }
    if (matches == null || matches.length == 0) {
      throw new SpecException(field, "no file or directory matches " + given + " (on " + fs.getUri() + ")");
    }
    for (FileStatus match : matches) {
      try {
        fs.access(match.getPath(), match.isDirectory() ? FsAction.READ_EXECUTE : FsAction.READ);
        if (match.isDirectory() && fs.listStatus(match.getPath()).length == 0) {
          throw new SpecException(field, match.getPath() + " is an empty directory: nothing to read");
        }
      } catch (AccessControlException e) {
        throw new SpecException(field, "cannot read " + match.getPath() + ": permission denied for "
            + org.apache.hadoop.security.UserGroupInformation.getCurrentUser().getShortUserName());
      }
    }
  }
}
