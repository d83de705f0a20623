package dev.psyarn.ps.store;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A summing table's dense requests, as {@code bench pushpull} sends them: the same 100k sorted keys
 * ({@code i × 7919}) of {@code width} floats pushed and pulled again and again; prints the medians
 * of 9 rounds of 20 adds and 20 gets after 3 rounds of warm-up, in ms a request (docs/benchmarks.md, "Against tuned ps-lite").
 * {@code java -cp <ps-on-yarn test classpath> dev.psyarn.ps.store.DenseTableBench WIDTH}.
 */
public final class DenseTableBench {

  public static void main(String[] args) {
    int width = Integer.parseInt(args[0]);
    int n = 100_000;
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = (long) i * 7919;
    }
    float[] pushed = new float[n * width];
    for (int i = 0; i < pushed.length; i++) {
      pushed[i] = i % 13;
    }
    float[] out = new float[n * width];
    KeyValueTable table = new KeyValueTable(width);
    double[] add = new double[9];
    double[] get = new double[9];
    for (int round = -3; round < add.length; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < 20; i++) {
        table.add(keys, FloatBuffer.wrap(pushed));
      }
      long middle = System.nanoTime();
      for (int i = 0; i < 20; i++) {
        table.get(keys, FloatBuffer.wrap(out));
      }
      if (round >= 0) {
        add[round] = (middle - start) / 20e6;
        get[round] = (System.nanoTime() - middle) / 20e6;
      }
    }
    Arrays.sort(add);
    Arrays.sort(get);
    System.out.printf("100k keys × %d: add %.2f ms, get %.2f ms (medians of 9 rounds of 20)%n", width, add[4], get[4]);
  }
}
