package dev.psyarn.cli;

import dev.psyarn.PsyarnConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.jar.JarFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;

/** Finds the distribution jar that is staged for the AM and containers. */
final class DistJar {

  private DistJar() {}

  private static boolean isOurJar(Path path) {
    if (!Files.isRegularFile(path) || !path.toString().endsWith(".jar")) {
      return false;
    }
    try (JarFile jar = new JarFile(path.toFile())) {
      return jar.getEntry(Psyarn.class.getName().replace('.', '/') + ".class") != null;
    } catch (IOException e) {
      return false;
    }
  }

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
      if (isOurJar(self)) {
        return self;
      }
      // Under `yarn jar` (RunJar) classes load from the unpacked jar; the jar is among the loader's URLs.
      if (Psyarn.class.getClassLoader() instanceof URLClassLoader loader) {
        for (URL url : loader.getURLs()) {
          if ("file".equals(url.getProtocol()) && isOurJar(Paths.get(url.toURI()))) {
            return Paths.get(url.toURI());
          }
        }
      }
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException("cannot find the psyarn distribution jar: run psyarn from it "
        + "(yarn jar psyarn-<version>.jar ...) or set -D " + PsyarnConfig.JAR + "=/path/to/psyarn.jar");
  }
}
