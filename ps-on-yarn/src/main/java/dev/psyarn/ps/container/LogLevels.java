package dev.psyarn.ps.container;

import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log levels set at run time, in the AM and the containers (Hadoop's {@code /logLevel}
 * convention: a logger's name and a level), on the log4j the JVM logs through.
 */
public final class LogLevels {

  private static final Logger LOG = LoggerFactory.getLogger(LogLevels.class);
  /** The levels a logger may be set to. */
  public static final Set<String> LEVELS = Set.of("ALL", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF");

  private LogLevels() {}

  /** Checks a level's name; returns it in upper case. */
  public static String checked(String level) {
    String upper = level.toUpperCase(java.util.Locale.ROOT);
    if (!LEVELS.contains(upper)) {
      throw new IllegalArgumentException("unknown log level \"" + level + "\"; known: "
          + String.join(", ", new java.util.TreeSet<>(LEVELS)));
    }
    return upper;
  }

  /** Sets each logger to its level ({@code root} names the root logger). */
  public static void apply(Map<String, String> levels) {
    levels.forEach((logger, level) -> {
      org.apache.log4j.Logger target = logger.equals("root") ? org.apache.log4j.Logger.getRootLogger()
          : org.apache.log4j.Logger.getLogger(logger);
      target.setLevel(org.apache.log4j.Level.toLevel(checked(level)));
      LOG.info("log level of {} set to {}", logger, level);
    });
  }
}
