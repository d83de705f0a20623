package dev.psyarn.cli;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.JobSpecParser;
import dev.psyarn.specs.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A spec file the user named, read and parsed.
 *
 * @param path where it is
 * @param text its text as staged: app paths made absolute
 * @param spec the parsed spec
 */
record SpecFile(Path path, String text, JobSpec spec) {

  /**
   * Reads and validates a spec.
   *
   * @throws SpecException naming the file and the field
   * @throws IllegalArgumentException if the file cannot be read
   */
  static SpecFile read(String given) {
    Path path = CliContext.userPath(given);
    String text;
    try {
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no spec file at " + path);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read spec file " + path + ": " + e.getMessage());
    }
    try {
      String staged = JobSpecParser.normalize(text, path.toAbsolutePath().getParent().toUri());
      return new SpecFile(path, staged, JobSpecParser.parse(staged));
    } catch (SpecException e) {
      throw new SpecException(e.field(), e.getMessage().substring(e.getMessage().indexOf(": ") + 2)
          + " (in " + path + ")");
    }
  }
}
