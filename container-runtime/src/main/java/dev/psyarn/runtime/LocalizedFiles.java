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
    return file(fs, path, LocalResourceVisibility.APPLICATION);
  }

  /** A zip file the NodeManager unpacks into a directory, for this application only. */
  public static LocalResource archive(FileSystem fs, Path path) throws IOException {
    LocalResource resource = file(fs, path, LocalResourceVisibility.APPLICATION);
    resource.setType(LocalResourceType.ARCHIVE);
    return resource;
  }

  /**
   * A file localized with {@code visibility}: {@code PRIVATE} files are localized once per user and
   * node, and reused by the user's later applications while the file keeps its modification time.
   */
  public static LocalResource file(FileSystem fs, Path path, LocalResourceVisibility visibility) throws IOException {
    // A path with a scheme may be on another file system than the cluster's (kept jars in local mode).
    FileSystem owner = path.toUri().getScheme() == null ? fs : path.getFileSystem(fs.getConf());
    FileStatus status = owner.getFileStatus(path);
    return LocalResource.newInstance(
        URL.fromPath(owner.makeQualified(path)),
        LocalResourceType.FILE,
        visibility,
        status.getLen(),
        status.getModificationTime());
  }
}
