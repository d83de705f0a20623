package dev.psyarn.ps.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.psyarn.ps.wire.DataFilters;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * A job the workers run against the servers: psyarn's built-in apps ({@code counter},
 * {@code sparse-lr}) and a user's own, loaded from their jar, are all one of these.
 *
 * <p>Its three types are the whole contract between the parts of a job:
 * <ul>
 *   <li>{@code S}, the settings: a record bound from the spec's {@code app} section by Jackson
 *       ({@link AppSettings#bind}), in the client before submission, in the AM and in every worker.
 *       Its canonical constructor sets the defaults and checks the values, throwing
 *       {@link SettingsException} with the field at fault; unknown fields are refused with their path.
 *   <li>{@code R}, what one worker reports when it is done ({@link #run}), sent to the AM as JSON.
 *   <li>{@code T}, the job's result, which the AM makes of every worker's ({@link #combine}), checks
 *       ({@link #verify}) and writes to the run report's {@code metrics}, {@code status --json}
 *       and the status page as it is serialized by Jackson.
 * </ul>
 *
 * <p>Where each method runs: {@link #resolvePaths} and {@link #checkInputs} in the client;
 * {@link #pieces} and {@link #initialModel} in the client and the AM; {@link #run} in each worker
 * container; {@link #combine} and {@link #verify} in the AM. The servers run no app code but the
 * update rules the app names when it creates its tables (an {@link dev.psyarn.ps.update.Updater}
 * or a {@link ServerHandle}, by class name).
 *
 * <p>An implementation needs a public no-argument constructor. Register a short name for it in
 * {@code META-INF/services/dev.psyarn.ps.api.Application}, or name the class in {@code app.type}.
 *
 * @param <S> the settings record
 * @param <R> one worker's result
 * @param <T> the job's result
 */
public interface Application<S, R, T> {

  /** The short name the spec's {@code app.type} uses (the class name works too). */
  String name();

  /** The record the {@code app} section binds to (every field but {@code type} and {@code jars}). */
  Class<S> settingsType();

  /** What a worker returns from {@link #run}. */
  Class<R> resultType();

  /** Runs one worker's part; the result goes to the AM. */
  R run(WorkerContext<S> context) throws Exception;

  /** Combines the workers' results, in worker order (one each), into the job's result. */
  T combine(S settings, List<R> results);

  /** Why the job's result is wrong, if it is: the job then fails with this reason. */
  default Optional<String> verify(T result) {
    return Optional.empty();
  }

  /**
   * Makes the section's relative paths absolute against {@code base} (the spec file's directory),
   * in the client, before the spec is staged for a cluster that does not share its working
   * directory. Runs on the JSON, before the settings are bound.
   */
  default void resolvePaths(ObjectNode app, URI base) {
  }

  /**
   * Checks, in the client before submission, that the inputs the settings name are there and
   * readable; a {@link SettingsException} names the field.
   */
  default void checkInputs(S settings, int workers, Configuration conf) throws IOException {
  }

  /** Whether the app reads examples: from its own settings or the preprocessing stage's shards. */
  default boolean needsData() {
    return false;
  }

  /**
   * Whether this job's workers read input files themselves with psyarn's Parquet reader (rather
   * than, or beside, the preprocessing stage's shards). Servers, and the workers of an app that
   * says no, run on a lean copy of psyarn's jar without Parquet, its codecs' native libraries and
   * liblinear; an app that reads files with its own libraries ships them in its jar.
   */
  default boolean readsInputFiles(S settings) {
    return false;
  }

  /**
   * How the AM hands out this job's work (the paper's worker management), or
   * {@link PieceLayout#NONE}: each worker works on its own share. Apps with pieces can be flexed
   * and lose no work with a worker: a new worker just asks for pieces.
   */
  default PieceLayout pieces(S settings, int workers) {
    return PieceLayout.NONE;
  }

  /** A model the servers start from (a warm start), or empty. */
  default Optional<InitialModel> initialModel(S settings) {
    return Optional.empty();
  }

  /** The paper's filters on what the workers send (key caching, compression): none by default. */
  default DataFilters filters(S settings) {
    return DataFilters.NONE;
  }
}
