package dev.psyarn.am;

import dev.psyarn.PsyarnConfig;
import dev.psyarn.runtime.ClassDataSharing;
import dev.psyarn.runtime.ContainerClasspath;
import dev.psyarn.runtime.JvmCommand;
import dev.psyarn.runtime.LocalizedFiles;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.yarn.api.ApplicationConstants.Environment;
import org.apache.hadoop.yarn.api.records.LocalResource;

/**
 * How the AM's and the containers' launch contexts use the node's class data sharing archives
 * ({@link ClassDataSharing}): on when {@link PsyarnConfig#CDS_ENABLED} and the jars are the kept
 * ones (an archive is named for the jar's content, so every job of the same build shares it).
 * Docker and runc roles start plainly (their JDK and {@code /tmp} are the image's).
 */
public final class ClassSharing {

  private final Configuration conf;
  /** The kept jars' directory (named for their digest); null when the launches share nothing. */
  private final Path jarDir;

  private ClassSharing(Configuration conf, Path jarDir) {
    this.conf = conf;
    this.jarDir = jarDir;
  }

  /** For jars in {@code jarDir}, kept ({@code kept}) or staged with the application. */
  public static ClassSharing of(Configuration conf, Path jarDir, boolean kept) {
    return new ClassSharing(conf, kept && conf.getBoolean(PsyarnConfig.CDS_ENABLED, true) ? jarDir : null);
  }

  public boolean on() {
    return jarDir != null;
  }

  /**
   * Adds the launch script kept beside the jars ({@code client.JarCache} writes it; localized once
   * per user and node, as the jars are) to a launch's files, and the archives' directory to its environment.
   */
  public void addTo(FileSystem fs, Map<String, LocalResource> resources, Map<String, String> env)
      throws IOException {
    if (on()) {
      resources.put(ClassDataSharing.SCRIPT, LocalizedFiles.file(fs, new Path(jarDir, ClassDataSharing.SCRIPT),
          org.apache.hadoop.yarn.api.records.LocalResourceVisibility.PRIVATE));
      String dir = conf.getTrimmed(PsyarnConfig.CDS_DIR, "");
      if (!dir.isEmpty()) {
        env.put(ClassDataSharing.DIR_ENV, dir);
      }
    }
  }

  /** The launch's {@code CLASSPATH}: the jar and Hadoop's jars first when sharing. */
  public String classpath(String hadoopClasspath, boolean mapReduce) {
    return on() ? ContainerClasspath.forSharing(conf, hadoopClasspath, mapReduce, AmEnv.JAR)
        : ContainerClasspath.build(conf, hadoopClasspath, mapReduce);
  }

  /**
   * The command, started with the archive of its kind: its main class, the jar it runs
   * ({@code jarName} in the kept directory), its JDK ({@code javaHome}), its {@code classpath}, and
   * what it does ({@code work}: the app, and for the AM whether it preprocesses, so that an AM that
   * runs MapReduce jobs does not start from the archive of one that never loaded their classes).
   */
  public JvmCommand command(JvmCommand plain, String jarName, String javaHome, String classpath, String work) {
    if (!on()) {
      return plain;
    }
    String home = javaHome == null ? Environment.JAVA_HOME.$$() : javaHome;
    return plain.sharing(ClassDataSharing.key(plain.mainClass(), jarName + "/" + work, home, classpath,
        jarDir.getName() + "/" + jarName));
  }
}
