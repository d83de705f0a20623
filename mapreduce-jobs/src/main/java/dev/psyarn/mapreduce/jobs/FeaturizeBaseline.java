package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.preprocess.BadRecordException;
import dev.psyarn.mapreduce.preprocess.FeatureHash;
import dev.psyarn.mapreduce.preprocess.Featurizer;
import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import dev.psyarn.mapreduce.preprocess.Row;
import dev.psyarn.mapreduce.preprocess.RowReadSupport;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetReader;

/**
 * The practical limit the preprocessing stage is measured against: one thread reading a Parquet
 * input and featurizing every row (label, split, features hashed to keys), in this JVM.
 */
public final class FeaturizeBaseline {

  private FeaturizeBaseline() {}

  /** Reads and featurizes {@code spec.input()}; returns rows, seconds and rows per second. */
  public static Map<String, Object> run(Configuration conf, PreprocessSpec spec) throws IOException {
    if (!spec.format().type().equals("parquet")) {
      throw new IllegalArgumentException("the baseline reads Parquet input; this spec's format is "
          + spec.format().type());
    }
    Featurizer featurizer = new Featurizer(spec);
    long mask = spec.hashSpace() - 1;
    long[] sink = new long[2];
    long start = System.nanoTime();
    long rows = 0;
    long bad = 0;
    Configuration read = new Configuration(conf);
    read.setStrings(RowReadSupport.COLUMNS, spec.columns().toArray(new String[0]));
    try (ParquetReader<Object> reader = ParquetReader.builder(new RowReadSupport(), new Path(spec.input()))
        .withConf(read).build()) {
      for (Object record = reader.read(); record != null; record = reader.read()) {
        rows++;
        try {
          if (!(record instanceof Row row)) {
            throw new BadRecordException(((RowReadSupport.Unreadable) record).why());
          }
          sink[0] += featurizer.label(row) + (featurizer.isTest(row, rows) ? 1 : 0);
          featurizer.features(row, (Featurizer.BytesSink) (feature, text, length, value) ->
              sink[1] ^= FeatureHash.of(text, length) & mask);
        } catch (BadRecordException e) {
          bad++;
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", rows);
    out.put("badRecords", bad);
    out.put("seconds", seconds);
    out.put("rowsPerSecond", rows / seconds);
    out.put("checksum", sink[0] ^ sink[1]);
    return out;
  }
}
