package dev.psyarn.ps.container;

import java.util.Map;
import org.apache.log4j.ConsoleAppender;
import org.apache.log4j.Level;
import org.apache.log4j.Logger;
import org.apache.log4j.PatternLayout;

/**
 * The logging of psyarn's own JVMs (the AM, servers, workers): what {@value #CONFIGURATION} says,
 * set up in code. Their launch contexts name that file ({@code -Dlog4j.configuration}); the first
 * thing their main classes do is {@link #install()}, which, while the JVM still names that file,
 * sets up the same appender and levels and tells log4j not to read it.
 *
 * <p>Read by log4j, the file cost a container 9-10 % of its CPU to registration (async-profiler,
 * eight containers at once): the file is looked up as a resource; log4j's property setter asks
 * {@code java.beans} for each appender's and layout's properties, which looks for a
 * {@code BeanInfo} class of each in every jar of the classpath; and log4j's classes are Java 5
 * class files, which the JDK's class data sharing does not archive, so each class it needs for that
 * is read, parsed and verified from its jar in every container.
 *
 * <p>A JVM whose options name another configuration ({@code -Dlog4j.configuration=...} in a role's
 * {@code jvmOptions}, which come after psyarn's) or set {@code log4j.defaultInitOverride} itself is
 * left to log4j.
 */
public final class JvmLogging {

  /** The log4j configuration psyarn's launch contexts name, in psyarn's jar. */
  public static final String CONFIGURATION = "psyarn-log4j.properties";
  /** The JVM option that names it. */
  public static final String OPTION = "-Dlog4j.configuration=" + CONFIGURATION;
  /** Its stderr appender's layout. */
  static final String PATTERN = "%d{ISO8601} %-5p [%t] %c{1}: %m%n";
  /** Its root logger's level. */
  static final Level ROOT = Level.INFO;
  /** Its loggers' own levels. */
  static final Map<String, Level> LEVELS = Map.of(
      "org.apache.hadoop.util.NativeCodeLoader", Level.ERROR,
      "org.apache.hadoop.conf.Configuration.deprecation", Level.ERROR);

  private JvmLogging() {}

  /**
   * Sets up {@value #CONFIGURATION}'s logging in code if this JVM names that file and log4j has not
   * started; returns whether it did. Call it before anything logs (a main class's first static
   * initializer).
   */
  public static boolean install() {
    if (!CONFIGURATION.equals(System.getProperty("log4j.configuration"))
        || System.getProperty("log4j.defaultInitOverride") != null) {
      return false;
    }
    // Read by log4j's LogManager as it starts, which the next line does: it then reads no file.
    System.setProperty("log4j.defaultInitOverride", "true");
    Logger root = Logger.getRootLogger();
    if (root.getAllAppenders().hasMoreElements()) {
      return false;
    }
    root.setLevel(ROOT);
    root.addAppender(new ConsoleAppender(new PatternLayout(PATTERN), ConsoleAppender.SYSTEM_ERR));
    LEVELS.forEach((name, level) -> Logger.getLogger(name).setLevel(level));
    return true;
  }
}
