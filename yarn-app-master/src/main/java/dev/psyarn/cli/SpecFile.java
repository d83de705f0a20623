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
    return read(given, new org.apache.hadoop.conf.Configuration());
  }

  /**
   * Reads and validates a spec; the jars its {@code app.jars} names are read through {@code conf}'s
   * file systems and its app is looked up in them.
   */
  static SpecFile read(String given, org.apache.hadoop.conf.Configuration conf) {
    Path path = CliContext.userPath(given);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no spec file at " + path);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read spec file " + path + ": " + e.getMessage());
    }
    String text = utf8(bytes, path);
    try {
      java.net.URI base = path.toAbsolutePath().getParent().toUri();
      java.util.List<String> jars = new java.util.ArrayList<>();
      for (String jar : JobSpecParser.appJars(text)) {
        com.fasterxml.jackson.databind.node.ObjectNode one = CliContext.JSON.createObjectNode().put("jar", jar);
        dev.psyarn.specs.SpecPaths.resolve(one, base, "jar");
        jars.add(one.get("jar").asText());
      }
      ClassLoader appLoader = dev.psyarn.client.AppJars.loader(jars, conf);
      String staged = JobSpecParser.normalize(text, base, appLoader);
      return new SpecFile(path, staged, JobSpecParser.parse(staged, appLoader));
    } catch (SpecException e) {
      throw SpecException.of(e.all().stream()
          .map(one -> new SpecException(one.field(), one.reason() + " (in " + path + ")")).toList());
    }
  }

  /**
   * The spec's text; a spec that is not UTF-8 (Latin-1 from an old editor, UTF-16 from Windows)
   * is refused with the first bad byte's offset and line, as a spec error.
   */
  static String utf8(byte[] bytes, Path path) {
    java.nio.charset.CharsetDecoder decoder = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
    java.nio.charset.CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int offset = in.position();
      int line = 1;
      for (int i = 0; i < offset; i++) {
        line += bytes[i] == '\n' ? 1 : 0;
      }
      throw new SpecException("", String.format("is not UTF-8 text: byte %d (0x%02X, line %d) cannot start or "
          + "continue a UTF-8 character; save the spec as UTF-8 (in %s)", offset, bytes[offset] & 0xff, line, path));
    }
    decoder.flush(out);
    return out.flip().toString();
  }
}
