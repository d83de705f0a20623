package dev.psyarn.runtime;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.ApplicationConstants.Environment;

/**
 * The command line that starts a role's JVM inside a container, with stdout and stderr in the
 * container's log directory so that {@code yarn logs} collects them.
 *
 * @param mainClass the class whose {@code main} runs
 * @param heapMb the maximum heap ({@code -Xmx})
 * @param jvmOptions the user's extra JVM options, placed after the heap so they can override it
 * @param args the arguments to {@code main}
 * @param sharingKey the {@link ClassDataSharing#key} of the node's class data sharing archive the
 *     JVM starts with (through {@link ClassDataSharing#SCRIPT}); null: a plain {@code java}
 */
public record JvmCommand(String mainClass, int heapMb, List<String> jvmOptions, List<String> args, String sharingKey) {

  public JvmCommand {
    jvmOptions = List.copyOf(jvmOptions);
    args = List.copyOf(args);
    if (sharingKey != null && !sharingKey.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("an archive key is letters, digits, '.', '_' and '-': " + sharingKey);
    }
  }

  public JvmCommand(String mainClass, int heapMb, List<String> jvmOptions, List<String> args) {
    this(mainClass, heapMb, jvmOptions, args, null);
  }

  /** The same command started with the node's class data sharing archive of {@code key}. */
  public JvmCommand sharing(String key) {
    return new JvmCommand(mainClass, heapMb, jvmOptions, args, key);
  }

  /**
   * The JDK containers run with: this process's own ({@code JAVA_HOME}, else {@code java.home}),
   * set in every launch context because a NodeManager may export none.
   */
  public static String localJavaHome() {
    String env = System.getenv("JAVA_HOME");
    return env != null && !env.isEmpty() ? env : System.getProperty("java.home");
  }

  /** The single shell command that the NodeManager runs, with log redirection. */
  public String toShellCommand() {
    List<String> parts = new ArrayList<>();
    if (sharingKey != null) {
      parts.add("/bin/bash");
      parts.add(ClassDataSharing.SCRIPT);
      parts.add(sharingKey);
    }
    parts.add(Environment.JAVA_HOME.$$() + "/bin/java");
    parts.add("-Xmx" + heapMb + "m");
    parts.add("-Djava.io.tmpdir=" + Environment.PWD.$$() + "/tmp");
    parts.add("-Dpsyarn.log.dir=" + ApplicationConstants.LOG_DIR_EXPANSION_VAR);
    parts.addAll(jvmOptions);
    parts.add(mainClass);
    parts.addAll(args);
    parts.add("1>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/stdout");
    parts.add("2>" + ApplicationConstants.LOG_DIR_EXPANSION_VAR + "/stderr");
    return String.join(" ", parts);
  }
}
