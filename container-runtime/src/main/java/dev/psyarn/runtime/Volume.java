package dev.psyarn.runtime;

import dev.psyarn.specs.SpecNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.records.LocalResource;
import org.apache.hadoop.yarn.api.records.LocalResourceType;
import org.apache.hadoop.yarn.api.records.LocalResourceVisibility;
import org.apache.hadoop.yarn.api.records.URL;

/**
 * A file or archive on the cluster file system that the NodeManager localizes into a role's
 * working directory under {@code name} (an archive is unpacked there): a role's volume.
 *
 * @param source the path, any Hadoop file system
 * @param name the link in the container's working directory
 * @param type FILE, ARCHIVE (zip, tar, tgz, jar: unpacked) or PATTERN
 * @param visibility APPLICATION (this application only), PRIVATE (this user's applications) or
 *     PUBLIC (every user; the file must be world-readable)
 */
public record Volume(String source, String name, LocalResourceType type, LocalResourceVisibility visibility) {

  /** Names psyarn's own localized files take in every container. */
  public static final Set<String> RESERVED = Set.of("psyarn.jar", ContainerClasspath.CONF_DIR,
      ClassDataSharing.SCRIPT);

  /** Reads a role's optional {@code localize} list; errors name the field. */
  public static List<Volume> read(SpecNode role) {
    List<Volume> out = new ArrayList<>();
    if (!role.has("localize")) {
      return out;
    }
    Set<String> names = new HashSet<>();
    for (SpecNode v : role.objectList("localize")) {
      v.allowOnly("source", "name", "type", "visibility");
      String source = v.text("source");
      String name = v.textOr("name", new Path(source).getName());
      if (!name.matches("[A-Za-z0-9_.][A-Za-z0-9_.-]*") || name.equals("..") || name.equals(".")) {
        throw v.error("name", "\"" + name + "\" must be a plain file name (letters, digits, _ . -)");
      }
      if (RESERVED.contains(name)) {
        throw v.error("name", "\"" + name + "\" is a file psyarn localizes itself; choose another name");
      }
      if (!names.add(name)) {
        throw v.error("name", "\"" + name + "\" is localized twice in this role");
      }
      out.add(new Volume(source, name, parse(v, "type", "file", LocalResourceType.class),
          parse(v, "visibility", "application", LocalResourceVisibility.class)));
    }
    return out;
  }

  private static <E extends Enum<E>> E parse(SpecNode v, String field, String fallback, Class<E> type) {
    String given = v.textOr(field, fallback);
    try {
      return Enum.valueOf(type, given.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> known = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        known.add(c.name().toLowerCase(Locale.ROOT));
      }
      throw v.error(field, "unknown " + field + " \"" + given + "\"; known: " + String.join(", ", known));
    }
  }

  /** The resource for a launch context; the size and time come from the file system. */
  public LocalResource toResource(FileSystem fs) throws IOException {
    Path path = new Path(source);
    FileStatus status = path.getFileSystem(fs.getConf()).getFileStatus(path);
    return LocalResource.newInstance(URL.fromPath(status.getPath()), type, visibility, status.getLen(),
        status.getModificationTime());
  }
}
