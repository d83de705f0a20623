package dev.psyarn.ps.apps;

import dev.psyarn.specs.SpecNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One kind of job the workers can run. {@link #validate} runs in the client before submission,
 * {@link #run} in each worker container, {@link #summarize} and {@link #verify} in the AM.
 */
public interface AppType {

  /** The name used in the spec's {@code app.type}. */
  String name();

  /** Checks the {@code app} section; errors name the field path. */
  void validate(SpecNode app);

  /**
   * Makes the section's relative paths absolute against {@code base} (the spec file's directory),
   * in the client, before the spec is staged for a cluster that does not share its working
   * directory.
   */
  default void resolvePaths(com.fasterxml.jackson.databind.node.ObjectNode app, java.net.URI base) {
  }

  /** Whether the app reads examples: from {@code app.data}, {@code app.shards} or preprocessing's shards. */
  default boolean needsData() {
    return false;
  }

  /**
   * How many pieces of work the AM hands out for this job (0: none, each worker works on its own
   * share). Apps with pieces can be flexed: a new worker just asks for pieces. Runs in the AM.
   */
  default int pieces(com.fasterxml.jackson.databind.JsonNode app, int workers) {
    return 0;
  }

  /**
   * A model the servers start from (a warm start): the table it fills and the file, or empty.
   * The servers read it and put each key they hold, through the table's updater, when the
   * table is created. Runs in the AM.
   */
  default java.util.Optional<InitialModel> initialModel(com.fasterxml.jackson.databind.JsonNode app) {
    return java.util.Optional.empty();
  }

  /** A model file for table {@code table}, as {@link #initialModel} names it. */
  record InitialModel(int table, String path) {}

  /** Runs one worker's part; the returned results go to the AM. */
  Map<String, Double> run(WorkerContext context) throws Exception;

  /** Combines the workers' results (in worker order) into the job's metrics. */
  Map<String, Object> summarize(List<Map<String, Double>> results);

  /** Why the job's results are wrong, if they are. */
  Optional<String> verify(Map<String, Object> summary);
}
