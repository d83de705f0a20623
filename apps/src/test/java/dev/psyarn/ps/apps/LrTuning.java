package dev.psyarn.ps.apps;

import dev.psyarn.ps.api.InProcessJob;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/**
 * Runs the sparse-lr app with in-process servers and worker threads (no YARN, no network) to try
 * settings quickly: {@code java -cp <test classpath> dev.psyarn.ps.apps.LrTuning '<app json>' [workers]}.
 */
public final class LrTuning {

  public static void main(String[] args) throws Exception {
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    SparseLogisticRegression app = new SparseLogisticRegression();
    dev.psyarn.ps.api.ConfiguredApp<dev.psyarn.ps.apps.LrSettings, dev.psyarn.ps.apps.LrResult, Map<String, Object>> job =
        dev.psyarn.ps.api.ConfiguredApp.of(app, new ObjectMapper().readTree(args[0]));
    InProcessJob.Outcome<dev.psyarn.ps.apps.LrResult> outcome = InProcessJob.run(job, workers, 2);
    Map<String, Object> summary = app.combine(job.settings(), outcome.results());
    summary.remove("lossCurve");
    System.out.println(summary);
  }
}
