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
import java.util.Arrays;
import java.util.LinkedHashMap;
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
    // Keys psyarn trains on → liblinear's indices 1.. in order of first appearance in training; test
    // rows leave out keys training never saw. Every value is 1: one node an index, shared by all rows
    // (L2R_LR only reads them), the bias node last in every row, as the reference program does.
    Long2IntOpenHashMap index = new Long2IntOpenHashMap();
    index.defaultReturnValue(0);
    Rows train = new Rows();
    Rows test = new Rows();
    long[] row = new long[FlightsFeatures.PER_ROW];
    int[] ids = new int[FlightsFeatures.PER_ROW];
    long start = System.nanoTime();
    FlightsParquet.read(conf, data, (i, micros, delay, distance, origin, destination) -> {
      boolean isTest = FlightsFeatures.isTest(micros);
      int n = features.features(micros, distance, origin, destination, row);
      int k = 0;
      for (int j = 0; j < n; j++) {
        int id = index.get(row[j]);
        if (id == 0 && !isTest) {
          id = index.size() + 1;
          index.put(row[j], id);
        }
        if (id > 0) {
          ids[k++] = id;
        }
      }
      (isTest ? test : train).add(FlightsFeatures.label(delay), ids, k);
    });
    int bias = index.size() + 1;
    FeatureNode[] nodes = new FeatureNode[bias + 1];
    for (int id = 1; id <= bias; id++) {
      nodes[id] = new FeatureNode(id, 1);
    }
    Feature[][] trainX = train.features(nodes, bias);
    Feature[][] testX = test.features(nodes, bias);
    double readSeconds = (System.nanoTime() - start) / 1e9;
    Problem problem = new Problem();
    problem.l = train.size;
    problem.n = bias;
    problem.x = trainX;
    problem.y = train.labelsAsDoubles();
    problem.bias = 1; // liblinear's bias: the last feature, in every row (train -B 1)
    Linear.disableDebugOutput();
    start = System.nanoTime();
    Model model = Linear.train(problem, new Parameter(SolverType.L2R_LR, 1.0, 0.01));
    double trainSeconds = (System.nanoTime() - start) / 1e9;
    int positive = model.getLabels()[0] == 1 ? 0 : 1;
    double[] probabilities = new double[2];
    float[] scores = new float[test.size];
    for (int i = 0; i < scores.length; i++) {
      Linear.predictProbability(model, testX[i], probabilities);
      scores[i] = (float) probabilities[positive];
    }
    byte[] labels = Arrays.copyOf(test.labels, test.size);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("trainer", "liblinear-java L2R_LR C=1 bias=1");
    out.put("features", index.size());
    out.putAll(FlightsScoring.metrics(scores, labels));
    out.put("readSeconds", readSeconds);
    out.put("trainSeconds", trainSeconds);
    out.put("totalSeconds", readSeconds + trainSeconds);
    return out;
  }

  /** One split's rows as liblinear will read them: sorted indices, a label each, no object a row until the end. */
  private static final class Rows {
    int size;
    byte[] labels = new byte[1 << 16];
    int[] offsets = new int[(1 << 16) + 1];
    int[] ids = new int[(1 << 16) * FlightsFeatures.PER_ROW];

    void add(int label, int[] rowIds, int n) {
      if (size + 1 >= labels.length) {
        labels = Arrays.copyOf(labels, labels.length * 2);
        offsets = Arrays.copyOf(offsets, offsets.length * 2);
      }
      int at = offsets[size];
      if (at + n > ids.length) {
        ids = Arrays.copyOf(ids, Math.max(ids.length * 2, at + n));
      }
      System.arraycopy(rowIds, 0, ids, at, n);
      Arrays.sort(ids, at, at + n);
      labels[size] = (byte) label;
      offsets[++size] = at + n;
    }

    /** Each row's shared nodes in index order, then the bias node. */
    Feature[][] features(FeatureNode[] nodes, int bias) {
      Feature[][] x = new Feature[size][];
      for (int r = 0; r < size; r++) {
        int from = offsets[r];
        int n = offsets[r + 1] - from;
        Feature[] row = new Feature[n + 1];
        for (int j = 0; j < n; j++) {
          row[j] = nodes[ids[from + j]];
        }
        row[n] = nodes[bias];
        x[r] = row;
      }
      return x;
    }

    double[] labelsAsDoubles() {
      double[] y = new double[size];
      for (int r = 0; r < size; r++) {
        y[r] = labels[r];
      }
      return y;
    }
  }
}
