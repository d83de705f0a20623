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

  /**
   * Checks, in the client before submission, that the inputs the section names are there and
   * readable; a {@link dev.psyarn.specs.SpecException} names the field within the section.
   */
  default void checkInputs(com.fasterxml.jackson.databind.JsonNode app, int workers,
      org.apache.hadoop.conf.Configuration conf) throws java.io.IOException {
  }

  /** Whether the app reads examples: from {@code app.data}, {@code app.shards} or preprocessing's shards. */
  default boolean needsData() {
    return false;
  }

  /**
   * How the AM hands out this job's work (the paper's worker management), or
   * {@link PieceLayout#NONE}: each worker works on its own share. Apps with pieces can be flexed
   * and lose no work with a worker: a new worker just asks for pieces. Runs in the client and AM.
   */
  default PieceLayout pieces(com.fasterxml.jackson.databind.JsonNode app, int workers) {
    return PieceLayout.NONE;
  }

  /**
   * The work as {@code rounds} (epochs) of {@code parts} pieces each: piece {@code id} is part
   * {@code id % parts} of round {@code id / parts}. Parts are the same data in every round, so the
   * AM gives a worker the parts it has had before when it can, and the preprocessing stage writes
   * one training shard a part.
   */
  record PieceLayout(int rounds, int parts) {

    public static final PieceLayout NONE = new PieceLayout(0, 0);

    public PieceLayout {
      if (rounds < 0 || parts < 0 || (long) rounds * parts > Integer.MAX_VALUE / 2) {
        throw new IllegalArgumentException("rounds and parts must be from 0 with a product below 2^30, got "
            + rounds + " × " + parts);
      }
    }

    public int total() {
      return rounds * parts;
    }

    public boolean any() {
      return total() > 0;
    }

    public int round(int piece) {
      return piece / parts;
    }

    public int part(int piece) {
      return piece % parts;
    }
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
