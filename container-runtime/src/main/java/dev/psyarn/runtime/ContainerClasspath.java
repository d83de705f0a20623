package dev.psyarn.runtime;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.ApplicationConstants.Environment;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * The {@code CLASSPATH} of a container: the localized configuration ({@link #CONF_DIR}), the
 * working directory and every localized jar, then Hadoop's jars as the cluster declares them.
 */
public final class ContainerClasspath {

  /**
   * The directory every psyarn JVM finds the client's Hadoop configuration in (its {@code *-site.xml}
   * files): the link of the one archive the client stages for the application.
   */
  public static final String CONF_DIR = "psyarn-conf";

  static final String MAPREDUCE_CLASSPATH = "mapreduce.application.classpath";
  /** MapReduce's own default for {@link #MAPREDUCE_CLASSPATH} (MRJobConfig), cross-platform. */
  static final String[] DEFAULT_MAPREDUCE_CLASSPATH = {
      "{{HADOOP_MAPRED_HOME}}/share/hadoop/mapreduce/*", "{{HADOOP_MAPRED_HOME}}/share/hadoop/mapreduce/lib/*"};

  private ContainerClasspath() {}

  /**
   * Builds the classpath. Where {@code explicitHadoopClasspath} is given (local mode and tests,
   * whose Hadoop is the launching JVM's classpath) it replaces {@code yarn.application.classpath}.
   */
  public static String build(Configuration conf, String explicitHadoopClasspath) {
    return build(conf, explicitHadoopClasspath, false);
  }

  /**
   * Builds the classpath; with {@code mapReduce} (an AM that submits MapReduce jobs) the
   * cluster's {@code mapreduce.application.classpath} follows YARN's.
   */
  public static String build(Configuration conf, String explicitHadoopClasspath, boolean mapReduce) {
    List<String> entries = new ArrayList<>();
    entries.add(Environment.PWD.$$() + "/" + CONF_DIR);
    entries.add(Environment.PWD.$$());
    entries.add(Environment.PWD.$$() + "/*");
    entries.addAll(hadoop(conf, explicitHadoopClasspath, mapReduce));
    return String.join(ApplicationConstants.CLASS_PATH_SEPARATOR, entries);
  }

  /**
   * The classpath of a JVM started with a class data sharing archive ({@link ClassDataSharing}):
   * the localized jar {@code jarLink}, Hadoop's jars (entries naming a jar or a directory's jars,
   * {@code dir/*}), the localized configuration, the working directory and its jars, then Hadoop's
   * other entries (configuration directories). The archive's classes come from the entries before
   * the configuration, which are the same for every container on a node. Hadoop's jars hold no
   * {@code *-site.xml}, so the localized configuration is still what the JVM reads.
   */
  public static String forSharing(Configuration conf, String explicitHadoopClasspath, boolean mapReduce,
      String jarLink) {
    List<String> jars = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (String entry : hadoop(conf, explicitHadoopClasspath, mapReduce)) {
      for (String part : entry.split(ApplicationConstants.CLASS_PATH_SEPARATOR)) {
        if (!part.isEmpty()) {
          (part.endsWith(".jar") || part.endsWith("/*") ? jars : others).add(part);
        }
      }
    }
    List<String> entries = new ArrayList<>();
    entries.add(Environment.PWD.$$() + "/" + jarLink);
    entries.addAll(jars);
    entries.add(Environment.PWD.$$() + "/" + CONF_DIR);
    entries.add(Environment.PWD.$$());
    entries.add(Environment.PWD.$$() + "/*");
    entries.addAll(others);
    return String.join(ApplicationConstants.CLASS_PATH_SEPARATOR, entries);
  }

  private static List<String> hadoop(Configuration conf, String explicitHadoopClasspath, boolean mapReduce) {
    List<String> entries = new ArrayList<>();
    if (explicitHadoopClasspath != null && !explicitHadoopClasspath.isBlank()) {
      entries.add(explicitHadoopClasspath.replace(java.io.File.pathSeparator, ApplicationConstants.CLASS_PATH_SEPARATOR));
    } else {
      for (String entry : conf.getStrings(YarnConfiguration.YARN_APPLICATION_CLASSPATH,
          YarnConfiguration.DEFAULT_YARN_CROSS_PLATFORM_APPLICATION_CLASSPATH)) {
        entries.add(entry.trim());
      }
      if (mapReduce) {
        String declared = conf.getTrimmed(MAPREDUCE_CLASSPATH, "");
        for (String entry : declared.isEmpty() ? DEFAULT_MAPREDUCE_CLASSPATH : declared.split(",")) {
          entries.add(entry.trim());
        }
      }
    }
    return entries;
  }
}
