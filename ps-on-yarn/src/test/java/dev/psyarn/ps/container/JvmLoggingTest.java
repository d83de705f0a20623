package dev.psyarn.ps.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmLoggingTest {

  @Test
  void theCodeSetsUpWhatTheFileSays() throws IOException {
    Properties file = new Properties();
    try (InputStream in = JvmLogging.class.getClassLoader().getResourceAsStream(JvmLogging.CONFIGURATION)) {
      file.load(in);
    }
    assertEquals(JvmLogging.ROOT + ", stderr", file.getProperty("log4j.rootLogger"));
    assertEquals(org.apache.log4j.ConsoleAppender.class.getName(), file.getProperty("log4j.appender.stderr"));
    assertEquals("System.err", file.getProperty("log4j.appender.stderr.Target"));
    assertEquals(org.apache.log4j.PatternLayout.class.getName(), file.getProperty("log4j.appender.stderr.layout"));
    assertEquals(JvmLogging.PATTERN, file.getProperty("log4j.appender.stderr.layout.ConversionPattern"));
    Map<String, String> levels = new TreeMap<>();
    file.stringPropertyNames().stream().filter(k -> k.startsWith("log4j.logger."))
        .forEach(k -> levels.put(k.substring("log4j.logger.".length()), file.getProperty(k)));
    Map<String, String> inCode = new TreeMap<>();
    JvmLogging.LEVELS.forEach((name, level) -> inCode.put(name, level.toString()));
    assertEquals(levels, inCode);
    assertEquals(5 + JvmLogging.LEVELS.size(), file.size(), "every key of the file is one the code sets up: " + file.keySet());
  }

  @Test
  void aJvmThatNamesTheFileLogsAsTheFileSaysWithoutLog4jReadingIt() throws Exception {
    List<String> inCode = run(List.of(JvmLogging.OPTION));
    assertEquals("installed true", inCode.get(0), inCode.toString());
    // log4j read the file itself where the JVM tells it to (any log4j.defaultInitOverride is left to log4j).
    List<String> byLog4j = run(List.of(JvmLogging.OPTION, "-Dlog4j.defaultInitOverride=false"));
    assertEquals("installed false", byLog4j.get(0), byLog4j.toString());
    String line = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} ";
    assertTrue(inCode.get(1).matches(line + "INFO  \\[main\\] JvmLoggingTest\\$Probe: started"), inCode.toString());
    assertTrue(inCode.get(2).matches(line + "ERROR \\[main\\] NativeCodeLoader: shown"), inCode.toString());
    assertEquals(3, inCode.size(), "the INFO line of a logger set to ERROR is left out: " + inCode);
    assertEquals(strip(byLog4j.subList(1, byLog4j.size())), strip(inCode.subList(1, inCode.size())));
  }

  @Test
  void aJvmWhoseOptionsNameAnotherFileLogsAsThatFileSays(@TempDir Path dir) throws Exception {
    Path own = dir.resolve("own-log4j.properties");
    Files.writeString(own, "log4j.rootLogger=INFO, out\nlog4j.appender.out=org.apache.log4j.ConsoleAppender\n"
        + "log4j.appender.out.Target=System.err\nlog4j.appender.out.layout=org.apache.log4j.PatternLayout\n"
        + "log4j.appender.out.layout.ConversionPattern=own %p %m%n\n");
    // A role's jvmOptions come after psyarn's own: the last -D wins.
    List<String> lines = run(List.of(JvmLogging.OPTION, "-Dlog4j.configuration=" + own.toUri()));
    assertEquals(List.of("installed false", "own INFO started", "own INFO hidden", "own ERROR shown"), lines);
  }

  private static List<String> strip(List<String> lines) {
    List<String> out = new ArrayList<>();
    lines.forEach(l -> out.add(l.substring(l.indexOf(' ', l.indexOf(' ') + 1) + 1)));
    return out;
  }

  /** The lines a {@link Probe} JVM's logging writes to stderr, after the one it writes to stdout. */
  private static List<String> run(List<String> options) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(options);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
    Process p = new ProcessBuilder(command).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), err);
    List<String> lines = new ArrayList<>(List.of(out));
    // Not slf4j's own notes on its bindings (Hadoop 3.4's test classpath holds two): only what the logging wrote.
    err.lines().filter(l -> !l.isBlank() && !l.startsWith("SLF4J: ")).forEach(lines::add);
    return lines;
  }

  /** A main class as psyarn's are: logging set up first, then a logger. */
  static final class Probe {
    private static final boolean INSTALLED = JvmLogging.install();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Probe.class);

    public static void main(String[] args) {
      System.out.println("installed " + INSTALLED);
      System.out.flush();
      LOG.info("started");
      org.slf4j.Logger hushed = org.slf4j.LoggerFactory.getLogger("org.apache.hadoop.util.NativeCodeLoader");
      hushed.info("hidden");
      hushed.error("shown");
    }
  }
}
