package dev.psyarn.cli;

import dev.psyarn.PsyarnConfig;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;

/** Finds the distribution jar that is staged for the AM and containers. */
final class DistJar {

  private DistJar() {}

  static Path locate(Configuration conf) {
    String configured = conf.get(PsyarnConfig.JAR);
    if (configured != null && !configured.isBlank()) {
      Path path = Paths.get(configured);
      if (!Files.isRegularFile(path)) {
        throw new IllegalArgumentException(PsyarnConfig.JAR + " = " + configured + " is not a file");
      }
      return path;
    }
    try {
      Path self = Paths.get(Psyarn.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isRegularFile(self) && self.toString().endsWith(".jar")) {
        return self;
      }
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException("cannot find the psyarn distribution jar: run psyarn from it "
        + "(yarn jar psyarn-<version>.jar ...) or set -D " + PsyarnConfig.JAR + "=/path/to/psyarn.jar");
  }
}
