package dev.psyarn.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Hadoop's jars for a server's or a worker's JVM, where the AM is given Hadoop's classpath as a list
 * of jars (local mode and tests: the launching JVM's classpath, 216 jars with the mini clusters'
 * servers, their tests and MapReduce): only the jars of the list the build makes of what those JVMs
 * run on ({@value #RESOURCE}, the {@code apps} module's dependencies: Hadoop's common and HDFS client
 * sides with theirs, Netty, Jackson). Directories and wildcard entries stay.
 *
 * <p>What a JVM pays for each jar on its classpath: slf4j 1.7 opens every one at start looking for its
 * bindings, and a class or resource not in the class data sharing archive (reload4j's configuration
 * file, the JavaBeans lookups of its appenders' settings, classes made at run time) is looked for in
 * every jar before the one that holds it. A cluster's {@code yarn.application.classpath} names
 * directories ({@code share/hadoop/common/lib/*}), which stay as they are.
 */
public final class RoleClasspath {

  /** The list on the classpath: {@code lib/<jar file name>} entries separated by {@code ':'}. */
  public static final String RESOURCE = "META-INF/psyarn/role-classpath.txt";
  private static final String PREFIX = "lib/";

  private RoleClasspath() {}

  /** The jar file names of the list on this JVM's classpath; empty when it has none. */
  public static Set<String> listed() {
    URL list = RoleClasspath.class.getClassLoader().getResource(RESOURCE);
    if (list == null) {
      return Set.of();
    }
    try (InputStream in = list.openStream()) {
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + list, e);
    }
  }

  /** The jar file names of a list as the build writes it. */
  static Set<String> parse(String text) {
    Set<String> names = new LinkedHashSet<>();
    for (String entry : text.trim().split(":")) {
      String name = entry.trim();
      if (name.startsWith(PREFIX)) {
        name = name.substring(PREFIX.length());
      }
      if (name.endsWith(".jar")) {
        names.add(name);
      }
    }
    return names;
  }

  /**
   * {@code classpath} (entries separated by {@code separator}) without the jars whose file name is
   * not in {@code needed}; the same string when {@code needed} is empty or would leave no jar.
   */
  public static String lean(String classpath, String separator, Set<String> needed) {
    if (needed.isEmpty()) {
      return classpath;
    }
    List<String> kept = new ArrayList<>();
    int jars = 0;
    for (String entry : classpath.split(java.util.regex.Pattern.quote(separator))) {
      if (entry.isEmpty()) {
        continue;
      }
      if (!entry.endsWith(".jar")) {
        kept.add(entry);
      } else if (needed.contains(entry.substring(Math.max(entry.lastIndexOf('/'), entry.lastIndexOf('\\')) + 1))) {
        kept.add(entry);
        jars++;
      }
    }
    return jars == 0 ? classpath : String.join(separator, kept);
  }

  /** The number of jars named in {@code classpath} (entries separated by {@code separator}). */
  public static int jars(String classpath, String separator) {
    int jars = 0;
    for (String entry : classpath.split(java.util.regex.Pattern.quote(separator))) {
      if (entry.endsWith(".jar")) {
        jars++;
      }
    }
    return jars;
  }
}
