package dev.psyarn.client;

import dev.psyarn.PsyarnConfig;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Where an application's jar, spec, configuration and report live on the cluster file system. */
public final class StagingDir {

  private StagingDir() {}

  /** The staging directory of an application the current user submits or owns. */
  public static Path of(Configuration conf, FileSystem fs, String applicationId) throws IOException {
    return fs.makeQualified(new Path(base(conf, fs), applicationId));
  }

  /** The current user's psyarn directory: the staging directories' parent ({@code ~/.psyarn}). */
  public static Path base(Configuration conf, FileSystem fs) {
    String root = conf.get(PsyarnConfig.STAGING_ROOT);
    return root == null ? new Path(fs.getHomeDirectory(), ".psyarn") : new Path(root);
  }

  /** The staging directory of an application of {@code owner} (in the owner's home, not the caller's). */
  public static Path of(Configuration conf, FileSystem fs, String owner, String applicationId) throws IOException {
    String root = conf.get(PsyarnConfig.STAGING_ROOT);
    Path base = root == null ? new Path(new Path(fs.getHomeDirectory().getParent(), owner), ".psyarn")
        : new Path(root);
    return fs.makeQualified(new Path(base, applicationId));
  }

  /**
   * The owner-only part of a staging directory (mode 700): the application secret lives there,
   * while the rest (the report) stays readable as the file system's permissions allow.
   */
  public static Path ownerOnly(Path staging) {
    return new Path(staging, "private");
  }
}
