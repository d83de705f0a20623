package dev.psyarn.ps.apps;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Worker 0's load of the flights job, as {@link SparseLogisticRegression} does it: its training
 * shard ({@code train-00000*}), every test shard, and the test set's key index; prints the seconds
 * of each step, {@code ROUNDS} times in one JVM (the first is the one a job pays: a fresh JVM).
 * Shards from {@code preprocess: {output: file:///tmp/flshards}} in a copy of examples/flights-lr.yaml
 * (docs/benchmarks.md, "Worker 0's load").
 * {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx768m -cp <apps test classpath>
 * dev.psyarn.ps.apps.ShardLoadBench /tmp/flshards/shards ROUNDS}.
 */
public final class ShardLoadBench {

  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    Path dir = new Path(args[0]);
    FileSystem fs = dir.getFileSystem(conf);
    List<Path> train = new ArrayList<>();
    List<Path> test = new ArrayList<>();
    for (FileStatus st : fs.listStatus(dir)) {
      String name = st.getPath().getName();
      if (name.startsWith("train-00000")) {
        train.add(st.getPath());
      } else if (name.startsWith("test-")) {
        test.add(st.getPath());
      }
    }
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    // "numbered": the training shard read as the training loop reads it (Examples, numbered).
    boolean numbered = args.length > 2 && args[2].equals("numbered");
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      Examples tr = Examples.fromShards(conf, train, numbered);
      long t1 = System.nanoTime();
      Examples te = Examples.fromShards(conf, test);
      long t2 = System.nanoTime();
      TestSet set = new TestSet(te, tr.keySpace);
      long t3 = System.nanoTime();
      System.out.printf("round %d: train %d rows%s %.2f s, test %d rows %.2f s, test set index %.2f s, in all %.2f s%n",
          r + 1, tr.size(), numbered ? " numbered" : "", (t1 - t0) / 1e9, set.size(), (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t3 - t0) / 1e9);
    }
  }
}
