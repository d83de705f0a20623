package dev.psyarn.ps.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.psyarn.ps.wire.DataFilters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * An application with the settings of one job: what the client, the AM and the workers hold, so
 * none of them reads the {@code app} section itself. Workers' results cross to the AM as JSON and
 * are bound back to the application's result type here.
 *
 * @param <S> the settings record
 * @param <R> one worker's result
 * @param <T> the job's result
 */
public final class ConfiguredApp<S, R, T> {

  private final Application<S, R, T> app;
  private final S settings;

  private ConfiguredApp(Application<S, R, T> app, S settings) {
    this.app = app;
    this.settings = settings;
  }

  /** {@code app} with its settings bound from {@code section}; a spec error names the field. */
  public static <S, R, T> ConfiguredApp<S, R, T> of(Application<S, R, T> app, JsonNode section) {
    return new ConfiguredApp<>(app, AppSettings.bind(section, app.settingsType(), "app"));
  }

  /** {@code app} with these settings (tests, in-process jobs). */
  public static <S, R, T> ConfiguredApp<S, R, T> of(Application<S, R, T> app, S settings) {
    return new ConfiguredApp<>(app, settings);
  }

  public Application<S, R, T> app() {
    return app;
  }

  public S settings() {
    return settings;
  }

  public String name() {
    return app.name();
  }

  public PieceLayout pieces(int workers) {
    return app.pieces(settings, workers);
  }

  public Optional<InitialModel> initialModel() {
    return app.initialModel(settings);
  }

  public DataFilters filters() {
    return app.filters(settings);
  }

  public boolean needsData() {
    return app.needsData();
  }

  /** See {@link Application#readsInputFiles}. */
  public boolean readsInputFiles() {
    return app.readsInputFiles(settings);
  }

  public void checkInputs(int workers, Configuration conf) throws IOException {
    app.checkInputs(settings, workers, conf);
  }

  /** Runs a worker's part and returns its result as JSON, as it travels to the AM. */
  public String run(int index, int numWorkers, dev.psyarn.ps.worker.KVWorker kv, WorkerContext.Coordinator coordinator,
      WorkerContext.Pieces pieces, Map<String, Double> live) throws Exception {
    return toJson(app.run(new WorkerContext<>(index, numWorkers, kv, coordinator, settings, pieces, live)));
  }

  /** A worker's result as JSON. */
  public String toJson(R result) {
    try {
      return AppSettings.RESULTS.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(app.name() + "'s result cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  /** A worker's result, read back from its JSON. */
  public R result(String json) {
    try {
      return AppSettings.RESULTS.readValue(json, app.resultType());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a worker's result is not a " + app.resultType().getSimpleName() + ": "
          + e.getOriginalMessage(), e);
    }
  }

  /** What the AM makes of the workers' results: the job's result as the report shows it, and what is wrong with it. */
  public record Combined(Map<String, Object> result, Optional<String> wrong) {}

  /** Combines the workers' results (JSON, in worker order) and checks the job's result. */
  public Combined combine(List<String> resultsJson) {
    List<R> results = new ArrayList<>();
    for (String json : resultsJson) {
      results.add(result(json));
    }
    T combined = app.combine(settings, results);
    return new Combined(asMap(combined), app.verify(combined));
  }

  /** A job result as the report's {@code metrics}: an object's fields, anything else under {@code result}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object combined) {
    JsonNode tree = AppSettings.RESULTS.valueToTree(combined);
    if (tree != null && tree.isObject()) {
      return AppSettings.RESULTS.convertValue(tree, LinkedHashMap.class);
    }
    Map<String, Object> wrapped = new LinkedHashMap<>();
    wrapped.put("result", AppSettings.RESULTS.convertValue(tree, Object.class));
    return wrapped;
  }
}
