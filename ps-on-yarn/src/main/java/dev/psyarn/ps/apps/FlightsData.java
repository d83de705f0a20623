package dev.psyarn.ps.apps;

import dev.psyarn.mapreduce.flights.FlightsFeatures;
import dev.psyarn.mapreduce.flights.FlightsParquet;
import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Examples of the flights task held in memory as flat primitive arrays: example {@code i} has
 * label {@code labels[i]} and keys {@code keys[offsets[i] .. offsets[i + 1])}, sorted.
 */
final class FlightsData {

  final byte[] labels;
  final int[] offsets;
  final long[] keys;

  FlightsData(byte[] labels, int[] offsets, long[] keys) {
    this.labels = labels;
    this.offsets = offsets;
    this.keys = keys;
  }

  int size() {
    return labels.length;
  }

  /**
   * Reads the rows of one split that belong to this worker: training rows whose index modulo
   * {@code parts} is {@code part}, or every test row when {@code parts} is 1.
   */
  static FlightsData load(Configuration conf, Path file, FlightsFeatures features, boolean test, int part, int parts)
      throws IOException {
    Builder b = new Builder();
    long[] row = new long[FlightsFeatures.PER_ROW];
    FlightsParquet.read(conf, file, (index, micros, delay, distance, origin, destination) -> {
      if (FlightsFeatures.isTest(micros) == test && index % parts == part) {
        int n = features.features(micros, distance, origin, destination, row);
        b.add(FlightsFeatures.label(delay), row, n);
      }
    });
    return b.build();
  }

  private static final class Builder {
    private byte[] labels = new byte[1 << 16];
    private int[] offsets = new int[(1 << 16) + 1];
    private long[] keys = new long[(1 << 16) * FlightsFeatures.PER_ROW];
    private int n;

    void add(int label, long[] row, int count) {
      if (n + 1 >= labels.length) {
        labels = Arrays.copyOf(labels, labels.length * 2);
        offsets = Arrays.copyOf(offsets, offsets.length * 2);
      }
      int at = offsets[n];
      if (at + count > keys.length) {
        keys = Arrays.copyOf(keys, keys.length * 2);
      }
      System.arraycopy(row, 0, keys, at, count);
      labels[n] = (byte) label;
      offsets[++n] = at + count;
    }

    FlightsData build() {
      return new FlightsData(Arrays.copyOf(labels, n), Arrays.copyOf(offsets, n + 1), Arrays.copyOf(keys, offsets[n]));
    }
  }
}
