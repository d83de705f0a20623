package dev.psyarn.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.PsyarnConfig;
import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.util.RunJar;

/**
 * The psyarn command in a JVM of its own, as {@code yarn jar psyarn.jar ...} runs it on a client
 * machine: Hadoop's jars and a configuration directory on the class path, psyarn's jar run by
 * Hadoop's {@link RunJar}, and the process's own environment (a ticket cache, say).
 */
final class ClientJvm {

  private ClientJvm() {}

  /**
   * Runs {@code args} against {@code conf}'s cluster in a new JVM with {@code env} added to its
   * environment and {@code jvmOptions} before the class path; its output is kept under
   * {@code work} as {@code name}.out and .err.
   */
  static ClusterHarness.Run run(Path work, Configuration conf, String name, Map<String, String> env,
      List<String> jvmOptions, String... args) throws Exception {
    String hadoopClasspath = hadoopOnlyClasspath();
    Path confDir = work.resolve(name + "-conf");
    Files.createDirectories(confDir);
    Configuration client = new Configuration(conf);
    client.unset(PsyarnConfig.JAR);
    client.set(PsyarnConfig.CONTAINER_HADOOP_CLASSPATH, hadoopClasspath);
    // Every site file: each *-default.xml is read after core-site.xml and would override its values.
    for (String site : List.of("core-site.xml", "hdfs-site.xml", "yarn-site.xml", "mapred-site.xml")) {
      try (OutputStream out = Files.newOutputStream(confDir.resolve(site))) {
        client.writeXml(out);
      }
    }
    // As a Hadoop installation's etc/hadoop/log4j.properties: logs on stderr, stdout the command's own.
    Files.writeString(confDir.resolve("log4j.properties"), String.join("\n",
        "log4j.rootLogger=INFO,console", "log4j.appender.console=org.apache.log4j.ConsoleAppender",
        "log4j.appender.console.target=System.err", "log4j.appender.console.layout=org.apache.log4j.PatternLayout",
        "log4j.appender.console.layout.ConversionPattern=%d{ISO8601} %p %c{2}: %m%n", ""));
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", confDir + File.pathSeparator + hadoopClasspath, RunJar.class.getName(),
        ClusterHarness.distJar().toString()));
    command.addAll(List.of(args));
    Path out = work.resolve(name + ".out");
    Path err = work.resolve(name + ".err");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("HADOOP_TOKEN_FILE_LOCATION");
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    assertTrue(!process.isAlive() && process.exitValue() >= 0, "psyarn " + String.join(" ", args)
        + " did not finish in 180 s: " + Files.readString(err));
    return new ClusterHarness.Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** This JVM's class path without psyarn's own classes and jars: what {@code hadoop classpath} gives. */
  static String hadoopOnlyClasspath() {
    String full = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return Stream.of(full.split(File.pathSeparator))
        .filter(entry -> !entry.contains(File.separator + "target" + File.separator))
        .filter(entry -> !entry.contains(File.separator + "dev" + File.separator + "psyarn" + File.separator))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
