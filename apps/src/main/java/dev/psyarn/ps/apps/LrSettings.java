package dev.psyarn.ps.apps;

import dev.psyarn.ps.api.AppSettings;
import dev.psyarn.ps.api.SettingsException;
import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.worker.Consistency;

/**
 * The {@code app} section of {@code sparse-lr}: defaults and checks in one place, for the client,
 * the AM and the workers.
 *
 * @param data a flights Parquet file (or give {@code shards}, or let the preprocessing stage write them)
 * @param shards preprocessed shards (train-0000i.shard, test-*.shard)
 * @param model where worker 0 writes the model (empty: not written)
 * @param initialModel a model file the servers start from
 * @param hashBits the feature hash's bits for {@code data} (16 to 30)
 * @param epochs passes over the training data
 * @param batchSize examples per minibatch
 * @param updater the servers' update rule
 * @param consistency how stale a pull may be
 * @param seed the shuffles' seed
 * @param curvePoints training loss points per worker in the report
 * @param filters the paper's filters on what workers send
 * @param evalEveryEpoch worker 0 scores the test split after every epoch
 * @param targetLogloss report the training seconds to reach this test log loss (NaN: none)
 * @param pieces cut the training data in this many parts handed out by the AM (0: a shard per worker)
 * @param earlyStopping stop once epochs pass without a better test log loss
 * @param factors sparse-fm only: factors a feature (k), 8 when left out
 * @param initScale sparse-fm only: the factors start uniform in ±initScale
 * @param linearOnly sparse-fm only: features (by their preprocess name) that get a weight but no
 *     factors, so they take no part in pairs (a day of the month paired with an airport names a
 *     single day of the training months, which the test months never see again)
 */
public record LrSettings(String data, String shards, String model, String initialModel, Integer hashBits, Integer epochs,
    Integer batchSize, Rule updater, Sync consistency, Long seed, Integer curvePoints, Filters filters,
    Boolean evalEveryEpoch, Double targetLogloss, Integer pieces, Stopping earlyStopping, Integer factors,
    Double initScale, java.util.List<String> linearOnly) {

  public LrSettings {
    if (data != null && shards != null) {
      throw new SettingsException("shards", "give data (a flights Parquet file) or shards (preprocessed), not both");
    }
    data = AppSettings.or(data, "");
    shards = AppSettings.or(shards, "");
    model = AppSettings.or(model, "");
    if (initialModel != null && initialModel.isBlank()) {
      throw new SettingsException("initialModel", "must name a model file that sparse-lr wrote (its app.model)");
    }
    hashBits = AppSettings.intIn("hashBits", hashBits, 24, 16, 30);
    epochs = AppSettings.intIn("epochs", epochs, 3, 1, 1000);
    batchSize = AppSettings.intIn("batchSize", batchSize, 500, 1, 1_000_000);
    updater = AppSettings.or(updater, new Rule(null, null, null, null, null));
    seed = AppSettings.or(seed, 1L);
    curvePoints = AppSettings.intIn("curvePoints", curvePoints, 20, 1, 1000);
    filters = AppSettings.or(filters, new Filters(null, null, null));
    evalEveryEpoch = AppSettings.or(evalEveryEpoch, true);
    if (targetLogloss != null && !(targetLogloss > 0 && targetLogloss < 10)) {
      throw new SettingsException("targetLogloss", "must be a test log loss above 0 (such as 0.4510), got " + targetLogloss);
    }
    targetLogloss = AppSettings.or(targetLogloss, Double.NaN);
    pieces = AppSettings.intIn("pieces", pieces, 0, 0, 100_000);
    // Workers come and go with pieces: no worker's clock can be waited for.
    consistency = consistency == null ? new Sync(null, null) : consistency;
    if (pieces > 0 && consistency.model() != null && !consistency.model().equals("eventual")) {
      throw new SettingsException("consistency.model", "must be eventual with pieces: workers join and leave a job "
          + "that hands out pieces, so no worker's clock can be waited for; drop pieces for " + consistency.model()
          + " consistency");
    }
    consistency = new Sync(AppSettings.or(consistency.model(), pieces > 0 ? "eventual" : "bounded"), consistency.maxDelay());
    if (earlyStopping != null && pieces > 0) {
      throw new SettingsException("earlyStopping.patience", "early stopping scores the test split between epochs, "
          + "which workers on pieces do not share; drop pieces or earlyStopping");
    }
    if (factors != null) {
      AppSettings.intIn("factors", factors, 8, 1, 256);
    }
    initScale = AppSettings.numberIn("initScale", initScale, 0.01, 1e-6, 1);
    linearOnly = linearOnly == null ? java.util.List.of() : java.util.List.copyOf(linearOnly);
    for (int i = 0; i < linearOnly.size(); i++) {
      if (linearOnly.get(i).isBlank() || linearOnly.get(i).contains("=")) {
        throw new SettingsException("linearOnly[" + i + "]", "must name a feature of the preprocess section (such as "
            + "dom), got \"" + linearOnly.get(i) + "\"");
      }
    }
    if (!linearOnly.isEmpty() && data != null && !data.isEmpty()) {
      throw new SettingsException("linearOnly", "names features of the preprocessing stage, which data (a Parquet "
          + "file the workers featurize) does not have: use a preprocess section, or drop linearOnly");
    }
    if (earlyStopping != null && !evalEveryEpoch) {
      throw new SettingsException("earlyStopping.patience", "early stopping needs the test split scored after every "
          + "epoch: drop evalEveryEpoch: false");
    }
  }

  /** The update rule: {@code ftrl} (default), {@code adagrad}, {@code sgd} or {@code sum}. */
  public record Rule(String type, Double rate, Double l1, Double l2, Double beta) {
    public Rule {
      type = AppSettings.or(type, "ftrl");
      rate = AppSettings.or(rate, 0.05);
      l1 = AppSettings.or(l1, 0.0);
      l2 = AppSettings.or(l2, 0.0);
      beta = AppSettings.or(beta, 1.0);
      try {
        spec(type, rate, l1, l2, beta).create();
      } catch (IllegalArgumentException e) {
        throw new SettingsException("", e.getMessage());
      }
    }

    private static UpdaterSpec spec(String type, double rate, double l1, double l2, double beta) {
      if (!java.util.Set.of("sum", "sgd", "adagrad", "ftrl").contains(type)) {
        throw new IllegalArgumentException("unknown updater \"" + type + "\"; known: sum, sgd, adagrad, ftrl");
      }
      return new UpdaterSpec(type, (float) rate, (float) l1, (float) l2, (float) beta);
    }

    UpdaterSpec spec() {
      return spec(type, rate, l1, l2, beta);
    }
  }

  /** The consistency model ({@code sequential}, {@code eventual}, {@code bounded}) and a bounded delay. */
  public record Sync(String model, Integer maxDelay) {
    public Sync {
      maxDelay = AppSettings.intIn("maxDelay", maxDelay, 2, 0, 1_000_000);
      if (model != null) {
        try {
          new Consistency(model, maxDelay);
        } catch (IllegalArgumentException e) {
          throw new SettingsException("model", e.getMessage());
        }
      }
    }
  }

  /** Filters: drop updates below a threshold, cache key lists, compress payloads. */
  public record Filters(Double significantlyModified, Boolean keyCaching, String compression) {
    public Filters {
      significantlyModified = AppSettings.or(significantlyModified, 0.0);
      if (significantlyModified < 0) {
        throw new SettingsException("significantlyModified", "must be zero (off) or a positive threshold");
      }
      keyCaching = AppSettings.or(keyCaching, false);
      compression = AppSettings.oneOf("compression", compression, "none", "none", "lz4");
    }
  }

  /** Stop once {@code patience} epochs pass without a better test log loss. */
  public record Stopping(Integer patience) {
    public Stopping {
      if (patience == null) {
        throw new SettingsException("patience", "is required: the epochs without a better test log loss after which "
            + "training stops");
      }
      AppSettings.intIn("patience", patience, 1, 1, 1000);
    }
  }

  /** The servers' updater. */
  public UpdaterSpec updaterSpec() {
    return updater.spec();
  }

  /** The consistency model the workers' pulls follow. */
  public Consistency consistencyModel() {
    return new Consistency(consistency.model(), consistency.maxDelay());
  }

  /** The significantly-modified filter's threshold (0: off). */
  public float significanceThreshold() {
    return filters.significantlyModified().floatValue();
  }

  /** The early stopping patience, 0 for none. */
  public int patience() {
    return earlyStopping == null ? 0 : earlyStopping.patience();
  }

  /** The data plane filters. */
  public dev.psyarn.ps.wire.DataFilters dataFilters() {
    return new dev.psyarn.ps.wire.DataFilters(filters.keyCaching(), filters.compression().equals("lz4"));
  }
}
