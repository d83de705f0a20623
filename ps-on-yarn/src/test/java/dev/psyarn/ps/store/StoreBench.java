package dev.psyarn.ps.store;

import dev.psyarn.ps.update.Ftrl;
import java.util.Arrays;
import java.util.Random;

/**
 * A server table's speed and size at a given key count, for comparing layouts across commits
 * (docs/benchmarks.md, "Store"): an FTRL table of {@code n} random keys, then sorted requests of
 * {@code request} of its keys each pulled and pushed back, the medians of seven rounds of 200.
 * {@code java -cp <ps-on-yarn test classpath> dev.psyarn.ps.store.StoreBench N REQUEST}.
 */
public final class StoreBench {

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    int request = Integer.parseInt(args[1]);
    Random random = new Random(7);
    long[] all = random.longs(n * 11L / 10, 0, 1L << 40).distinct().limit(n).toArray();
    KeyValueTable table = new KeyValueTable(1, new Ftrl(0.1f, 1, 0, 0));
    for (int i = 0; i < all.length; i += 5000) {
      long[] keys = Arrays.copyOfRange(all, i, Math.min(all.length, i + 5000));
      table.add(keys, new float[keys.length]); // in no order: through the hash path
    }
    long[][] requests = new long[200][];
    for (int q = 0; q < requests.length; q++) {
      long[] keys = new long[request];
      for (int i = 0; i < request; i++) {
        keys[i] = all[random.nextInt(all.length)];
      }
      requests[q] = Arrays.stream(keys).sorted().distinct().toArray();
    }
    double[] rates = new double[7];
    for (int round = 0; round < rates.length; round++) {
      long start = System.nanoTime();
      long keys = 0;
      for (long[] k : requests) {
        float[] values = new float[k.length];
        table.get(k, values);
        table.add(k, values);
        keys += k.length;
      }
      rates[round] = keys / ((System.nanoTime() - start) / 1e9) / 1e6;
    }
    Arrays.sort(rates);
    System.out.printf("%d keys, requests of %d: median %.2f M keys/s (pull + push), %.1f bytes a key%n", n, request,
        rates[rates.length / 2], table.bytesUsed() / (double) table.size());
  }
}
