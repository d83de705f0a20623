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
 */
public record JvmCommand(String mainClass, int heapMb, List<String> jvmOptions, List<String> args) {

  public JvmCommand {
    jvmOptions = List.copyOf(jvmOptions);
    args = List.copyOf(args);
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
