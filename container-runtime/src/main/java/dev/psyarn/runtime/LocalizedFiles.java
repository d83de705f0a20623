package dev.psyarn.runtime;

import java.io.IOException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.api.records.URL;

/** Turns files on the cluster file system into resources the NodeManager localizes. */
public final class LocalizedFiles {

  private LocalizedFiles() {}

  /**
   * A file localized for this application only. The size and modification time come from the file
   * system: the NodeManager refuses a resource whose file changed since.
   */
  public static LocalResource file(FileSystem fs, Path path) throws IOException {
    FileStatus status = fs.getFileStatus(path);
    return LocalResource.newInstance(
        URL.fromPath(fs.makeQualified(path)),
        LocalResourceType.FILE,
        LocalResourceVisibility.APPLICATION,
        status.getLen(),
        status.getModificationTime());
  }
}
