package dev.psyarn.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/** What every subcommand shares: the configuration, the output streams and the JSON writer. */
final class CliContext {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Set by bin/psyarn: the directory the user ran it from, against which relative paths resolve. */
  static final String CALLER_DIR = "PSYARN_CALLER_DIR";

  final Configuration conf;
  final PrintStream out;
  final PrintStream err;

  CliContext(Configuration conf, PrintStream out, PrintStream err) {
    this.conf = conf;
    this.out = out;
    this.err = err;
  }

  /** A path the user gave, resolved against the directory they ran the command from. */
  static Path userPath(String given) {
    String caller = System.getenv(CALLER_DIR);
    Path path = Paths.get(given);
    return caller == null || path.isAbsolute() ? path.toAbsolutePath() : Paths.get(caller).resolve(path);
  }

  void printJson(Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (Exception e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** {@code -D key=value} after the subcommand, as Hadoop's generic options allow before it. */
  static final class Defines {
    @Option(names = "-D", paramLabel = "KEY=VALUE", description = "Set a configuration property.")
    Map<String, String> properties = Map.of();

    void applyTo(Configuration conf) {
      properties.forEach(conf::set);
    }
  }
}
