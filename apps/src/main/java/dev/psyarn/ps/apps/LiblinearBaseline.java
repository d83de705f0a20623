package dev.psyarn.ps.apps;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import dev.psyarn.mapreduce.flights.FlightsFeatures;
import dev.psyarn.mapreduce.flights.FlightsParquet;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The reference of the training benchmark: liblinear-java's L2-regularized logistic regression
 * (C = 1, bias 1) on exactly the features psyarn trains on, read from the same Parquet file in this
 * JVM, timed as read-and-featurize plus train, scored on the June test split.
 */
public final class LiblinearBaseline {

  private LiblinearBaseline() {}

  public static Map<String, Object> run(Configuration conf, Path data, int hashBits) throws IOException {
    FlightsFeatures features = new FlightsFeatures(hashBits);
    Long2IntOpenHashMap index = new Long2IntOpenHashMap();
    List<Feature[]> trainX = new ArrayList<>();
    List<Double> trainY = new ArrayList<>();
    List<Feature[]> testX = new ArrayList<>();
    List<Integer> testY = new ArrayList<>();
    long[] row = new long[FlightsFeatures.PER_ROW];
    long start = System.nanoTime();
    FlightsParquet.read(conf, data, (i, micros, delay, distance, origin, destination) -> {
      boolean test = FlightsFeatures.isTest(micros);
      int n = features.features(micros, distance, origin, destination, row);
      List<Feature> x = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        int id = test ? index.getOrDefault(row[k], -1) : index.computeIfAbsent(row[k], key -> index.size() + 1);
        if (id > 0) {
          x.add(new FeatureNode(id, 1));
        }
      }
      x.sort((a, b) -> Integer.compare(a.getIndex(), b.getIndex()));
      if (test) {
        testX.add(x.toArray(new Feature[0]));
        testY.add(FlightsFeatures.label(delay));
      } else {
        trainX.add(x.toArray(new Feature[0]));
        trainY.add((double) FlightsFeatures.label(delay));
      }
    });
    double readSeconds = (System.nanoTime() - start) / 1e9;
    Problem problem = new Problem();
    problem.l = trainX.size();
    problem.n = index.size() + 1;
    problem.x = trainX.toArray(new Feature[0][]);
    problem.y = trainY.stream().mapToDouble(Double::doubleValue).toArray();
    problem.bias = 1;
    Linear.disableDebugOutput();
    start = System.nanoTime();
    Model model = Linear.train(problem, new Parameter(SolverType.L2R_LR, 1.0, 0.01));
    double trainSeconds = (System.nanoTime() - start) / 1e9;
    int positive = model.getLabels()[0] == 1 ? 0 : 1;
    double[] probabilities = new double[2];
    float[] scores = new float[testX.size()];
    byte[] labels = new byte[testX.size()];
    for (int i = 0; i < scores.length; i++) {
      Linear.predictProbability(model, testX.get(i), probabilities);
      scores[i] = (float) probabilities[positive];
      labels[i] = testY.get(i).byteValue();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("trainer", "liblinear-java L2R_LR C=1 bias=1");
    out.put("features", index.size());
    out.putAll(FlightsScoring.metrics(scores, labels));
    out.put("readSeconds", readSeconds);
    out.put("trainSeconds", trainSeconds);
    out.put("totalSeconds", readSeconds + trainSeconds);
    return out;
  }
}
