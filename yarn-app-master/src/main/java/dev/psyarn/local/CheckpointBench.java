package dev.psyarn.local;

import dev.psyarn.ps.store.Checkpoints;
import dev.psyarn.ps.store.KeyValueTable;
import dev.psyarn.ps.store.ServerSnapshot;
import dev.psyarn.ps.update.UpdaterSpec;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A server's checkpoint of {@code keys} keys (an FTRL table of width 4: 8 floats of slot a key)
 * written to and read back from an embedded HDFS, beside {@code hdfs dfs -put} and {@code -get}
 * (FileSystem.copyFromLocalFile / copyToLocalFile) of the same file, medians of {@code runs}.
 */
public final class CheckpointBench {

  private static final int WIDTH = 4;

  private final PrintStream progress;

  public CheckpointBench(PrintStream progress) {
    this.progress = progress;
  }

  /** The figures: keys, bytes, GB/s of each of write, put, read, get, and write/put, read/get. */
  public Map<String, Object> run(File work, int keys, int runs) throws Exception {
    ServerSnapshot snapshot = snapshot(keys);
    double[] write = new double[runs];
    double[] read = new double[runs];
    double[] put = new double[runs];
    double[] get = new double[runs];
    long bytes = 0;
    progress.println("starting local HDFS in " + work);
    try (LocalCluster cluster = LocalCluster.start(work, 1, Map.of(), false)) {
      FileSystem fs = FileSystem.get(cluster.conf());
      java.nio.file.Path local = Files.createTempFile("psyarn-bench", ".ckpt");
      try {
        for (int r = 0; r < runs; r++) {
          Path root = new Path("/bench/checkpoints-" + r);
          long t0 = System.nanoTime();
          Path file = new Checkpoints(fs, root, 1).write(snapshot);
          write[r] = (System.nanoTime() - t0) / 1e9;
          bytes = fs.getFileStatus(file).getLen();
          t0 = System.nanoTime();
          ServerSnapshot back = Checkpoints.read(fs, file);
          read[r] = (System.nanoTime() - t0) / 1e9;
          if (back.keys() != keys) {
            throw new IllegalStateException("read back " + back.keys() + " keys of " + keys);
          }
          Files.deleteIfExists(local);
          t0 = System.nanoTime();
          fs.copyToLocalFile(false, file, new Path(local.toUri()), true);
          get[r] = (System.nanoTime() - t0) / 1e9;
          t0 = System.nanoTime();
          fs.copyFromLocalFile(false, true, new Path(local.toUri()), new Path("/bench/put-" + r));
          put[r] = (System.nanoTime() - t0) / 1e9;
          progress.printf(Locale.ROOT, "run %d of %d: %d MB: checkpoint write %.2f s, read %.2f s; put %.2f s, get %.2f s%n",
              r + 1, runs, bytes >> 20, write[r], read[r], put[r], get[r]);
          fs.delete(root, true);
          fs.delete(new Path("/bench/put-" + r), false);
        }
      } finally {
        Files.deleteIfExists(local);
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("keys", keys);
    result.put("bytes", bytes);
    result.put("writeGBps", bytes / median(write) / 1e9);
    result.put("putGBps", bytes / median(put) / 1e9);
    result.put("readGBps", bytes / median(read) / 1e9);
    result.put("getGBps", bytes / median(get) / 1e9);
    result.put("writeOverPut", median(put) / median(write));
    result.put("readOverGet", median(get) / median(read));
    return result;
  }

  private static ServerSnapshot snapshot(int keys) {
    long[] k = new long[keys];
    float[] slots = new float[keys * 2 * WIDTH];
    Random random = new Random(42);
    for (int i = 0; i < keys; i++) {
      k[i] = i * 7919L;
    }
    for (int i = 0; i < slots.length; i++) {
      slots[i] = random.nextFloat();
    }
    UpdaterSpec ftrl = new UpdaterSpec("ftrl", 0.1f, 0, 0, 1);
    return new ServerSnapshot(0, 1, 0, new int[] {0}, List.of(), List.of(new ServerSnapshot.Table(0, ftrl,
        new KeyValueTable.Image(WIDTH, 2 * WIDTH, k, slots), Map.of())));
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
