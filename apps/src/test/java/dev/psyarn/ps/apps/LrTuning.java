package dev.psyarn.ps.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.psyarn.ps.api.ConfiguredApp;
import dev.psyarn.ps.api.InProcessJob;
import java.util.Map;

/**
 * Runs sparse-lr or sparse-fm (the section's {@code type}) with in-process servers and worker
 * threads (no YARN, no network) to try settings quickly:
 * {@code java -cp <test classpath> dev.psyarn.ps.apps.LrTuning '<app json>' [workers]}.
 */
public final class LrTuning {

  public static void main(String[] args) throws Exception {
    int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    JsonNode section = new ObjectMapper().readTree(args[0]);
    SparseLogisticRegression app = "sparse-fm".equals(section.path("type").asText())
        ? new SparseFactorizationMachines() : new SparseLogisticRegression();
    ConfiguredApp<LrSettings, LrResult, Map<String, Object>> job = ConfiguredApp.of(app, section);
    InProcessJob.Outcome<LrResult> outcome = InProcessJob.run(job, workers, 2);
    Map<String, Object> summary = app.combine(job.settings(), outcome.results());
    summary.remove("lossCurve");
    System.out.println(summary);
  }
}
