package dev.psyarn.client;

import dev.psyarn.PsyarnConfig;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Where an application's jar, spec, configuration and report live on the cluster file system. */
public final class StagingDir {

  private StagingDir() {}

  public static Path of(Configuration conf, FileSystem fs, String applicationId) throws IOException {
    String root = conf.get(PsyarnConfig.STAGING_ROOT);
    Path base = root == null ? new Path(fs.getHomeDirectory(), ".psyarn") : new Path(root);
    return fs.makeQualified(new Path(base, applicationId));
  }
}
