package dev.psyarn.runtime;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.api.ApplicationConstants;
import org.apache.hadoop.yarn.api.ApplicationConstants.Environment;
import org.apache.hadoop.yarn.conf.YarnConfiguration;

/**
 * The {@code CLASSPATH} of a container: the working directory (localized configuration), every
 * localized jar, then Hadoop's jars as the cluster declares them.
 */
public final class ContainerClasspath {

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
    String sep = ApplicationConstants.CLASS_PATH_SEPARATOR;
    List<String> entries = new ArrayList<>();
    entries.add(Environment.PWD.$$());
    entries.add(Environment.PWD.$$() + "/*");
    if (explicitHadoopClasspath != null && !explicitHadoopClasspath.isBlank()) {
      entries.add(explicitHadoopClasspath.replace(java.io.File.pathSeparator, sep));
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
    return String.join(sep, entries);
  }
}
