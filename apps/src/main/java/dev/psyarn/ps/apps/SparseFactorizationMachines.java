package dev.psyarn.ps.apps;

import dev.psyarn.ps.api.InitialModel;
import dev.psyarn.ps.api.SettingsException;
import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Factorization machines ({@code sparse-fm}; DiFacto, Li et al. WSDM 2016) on the flights task or
 * any shards: each feature has a weight and {@code factors} factors on the servers (one table,
 * 1 + k floats a key, updated by the spec's updater: AdaGrad or FTRL per coordinate), the workers
 * train minibatches as sparse-lr's do ({@link Factorization}), and the report, model file and
 * {@code psyarn predict} are sparse-lr's. Pairs of features interact through their factors, so the
 * crosses a linear model needs written by hand (route = origin × destination) are learned.
 *
 * Features named in {@code linearOnly} keep their weight but no factors: they take part in no
 * pair. Early stopping keeps the best epoch's model, factors and all.
 *
 * <p>Not yet with it: a warm start ({@code initialModel}), and the significantly-modified filter
 * (its updates are whole vectors).
 */
public final class SparseFactorizationMachines extends SparseLogisticRegression {

  static final int DEFAULT_FACTORS = 8;

  @Override
  public String name() {
    return "sparse-fm";
  }

  @Override
  int factors(LrSettings settings) {
    return settings.factors() == null ? DEFAULT_FACTORS : settings.factors();
  }

  @Override
  public Optional<InitialModel> initialModel(LrSettings settings) {
    return Optional.empty();
  }

  @Override
  public void checkInputs(LrSettings app, int workers, Configuration conf) throws IOException {
    if (app.initialModel() != null) {
      throw new SettingsException("initialModel", "sparse-fm does not start from a model yet: drop initialModel");
    }
    if (app.significanceThreshold() > 0) {
      throw new SettingsException("filters.significantlyModified", "sparse-fm pushes whole vectors a key: drop the "
          + "significantlyModified filter");
    }
    super.checkInputs(app, workers, conf);
  }
}
