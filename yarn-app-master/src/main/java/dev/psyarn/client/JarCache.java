package dev.psyarn.client;

import dev.psyarn.am.AmEnv;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * psyarn's jars on the cluster file system, kept across submissions: {@code <base>/jars/<digest>/}
 * holds the distribution jar ({@code psyarn.jar}) and its lean copy for the containers
 * ({@code psyarn-container.jar}), named by the SHA-256 of the distribution jar. A submission of the
 * same jar uploads nothing, and as the files keep their path and modification time, each
 * NodeManager localizes them once for the user ({@code PRIVATE} visibility) instead of once per
 * application — as MapReduce's shared cache and Spark's {@code spark.yarn.archive} do.
 *
 * <p>The directory is the user's alone (mode 700). Each file is written under a temporary name
 * and renamed, so a concurrent submission never sees half a jar. A submission that reuses an entry
 * touches it, and so does a running job's AM twice a day; entries untouched for
 * {@code maxAgeDays} are removed by the next submission.
 */
public final class JarCache {

  private static final Logger LOG = LoggerFactory.getLogger(JarCache.class);
  static final String DIR = "jars";
  private static final FsPermission OWNER_ONLY = new FsPermission((short) 0700);

  private final FileSystem fs;
  private final Path root;

  /** The cache under {@code base} (the user's {@code .psyarn} directory). */
  public JarCache(FileSystem fs, Path base) {
    this(fs, new Path(base, DIR), true);
  }

  private JarCache(FileSystem fs, Path root, boolean qualify) {
    this.fs = fs;
    this.root = qualify ? fs.makeQualified(root) : root;
  }

  /** The cache in directory {@code root}, on whichever file system its path names. */
  public static JarCache at(Path root, org.apache.hadoop.conf.Configuration conf) throws IOException {
    FileSystem rootFs = root.getFileSystem(conf);
    return new JarCache(rootFs, rootFs.makeQualified(root), false);
  }

  /** Where an entry holds its jars. */
  public Path root() {
    return root;
  }

  /**
   * The entry for {@code jar}, written if it is not there yet; returns its directory (holding
   * {@link AmEnv#JAR}, {@link AmEnv#CONTAINER_JAR} and the class sharing launch script).
   */
  public Path stage(java.nio.file.Path jar) throws IOException {
    Path entry = new Path(root, digest(jar));
    Path full = new Path(entry, AmEnv.JAR);
    Path lean = new Path(entry, AmEnv.CONTAINER_JAR);
    Path script = new Path(entry, dev.psyarn.runtime.ClassDataSharing.SCRIPT);
    if (fs.exists(full) && fs.exists(lean) && fs.getFileStatus(full).getLen() == java.nio.file.Files.size(jar)) {
      if (!fs.exists(script)) {
        place(script, out -> out.write(dev.psyarn.runtime.ClassDataSharing.script())); // an entry of an older psyarn
      }
      fs.setTimes(entry, System.currentTimeMillis(), -1);
      LOG.info("psyarn's jars are on the cluster already: {}", entry);
      return entry;
    }
    if (!fs.exists(root)) {
      fs.mkdirs(root, OWNER_ONLY);
      fs.setPermission(root, OWNER_ONLY);
    }
    fs.mkdirs(entry);
    // The lean jar first: an entry whose full jar exists is complete.
    place(lean, out -> ContainerJar.write(jar.toFile(), out));
    // The launch script of the JVMs that share classes (ClassSharing): of the same build as the jars.
    place(script, out -> out.write(dev.psyarn.runtime.ClassDataSharing.script()));
    place(full, out -> java.nio.file.Files.copy(jar, out));
    LOG.info("uploaded psyarn's jars to {} (kept for later submissions of the same jar)", entry);
    return entry;
  }

  /** Writes what {@code body} writes to {@code target} under a temporary name, then renames it. */
  private void place(Path target, IoBody body) throws IOException {
    if (fs.exists(target)) {
      fs.delete(target, false); // a file of another length (an earlier, interrupted upload's)
    }
    Path partial = new Path(target.getParent(), "." + target.getName() + "." + java.util.UUID.randomUUID());
    try (OutputStream out = fs.create(partial, false)) {
      body.write(out);
    }
    if (!fs.rename(partial, target)) {
      fs.delete(partial, false);
      if (!fs.exists(target)) {
        throw new IOException("could not rename " + partial + " to " + target);
      }
    }
  }

  @FunctionalInterface
  private interface IoBody {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Removes the entries untouched for more than {@code maxAgeDays} (never {@code keep}); a failure
   * to remove one is logged, not thrown (the submission does not depend on it).
   */
  public int evict(int maxAgeDays, Path keep) {
    int removed = 0;
    try {
      if (maxAgeDays <= 0 || !fs.exists(root)) {
        return 0;
      }
      long cutoff = System.currentTimeMillis() - maxAgeDays * 86_400_000L;
      for (FileStatus entry : fs.listStatus(root)) {
        if (entry.isDirectory() && entry.getModificationTime() < cutoff
            && !fs.makeQualified(entry.getPath()).equals(fs.makeQualified(keep))) {
          fs.delete(entry.getPath(), true);
          removed++;
          LOG.info("removed psyarn's jars untouched for {} days: {}", maxAgeDays, entry.getPath());
        }
      }
    } catch (IOException e) {
      LOG.warn("could not clean the jar cache {}: {}", root, e.toString());
    }
    return removed;
  }

  /** The SHA-256 of a file, in hex. */
  static String digest(java.nio.file.Path file) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = java.nio.file.Files.newInputStream(file)) {
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        sha.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
