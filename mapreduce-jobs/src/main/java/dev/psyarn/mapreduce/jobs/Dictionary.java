package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.preprocess.FeatureHash;
import dev.psyarn.mapreduce.preprocess.PreprocessSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The kept features (count at least {@code minCount}) of the statistics output, each with its key:
 * its hash, or its rank in the sorted list of kept features for a dictionary encoding.
 */
public final class Dictionary {

  private Dictionary() {}

  /** Reads {@code feature<TAB>count} lines of every {@code part-*} file under {@code stats}. */
  public static Map<String, Long> load(Configuration conf, Path stats, PreprocessSpec spec) throws IOException {
    FileSystem fs = stats.getFileSystem(conf);
    List<String> kept = new ArrayList<>();
    FileStatus[] parts = fs.globStatus(new Path(stats, "part-*"));
    if (parts == null || parts.length == 0) {
      throw new IOException("no statistics under " + stats + ": run the statistics job first");
    }
    for (FileStatus part : parts) {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(part.getPath()), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          int tab = line.lastIndexOf('\t');
          if (Long.parseLong(line.substring(tab + 1)) >= spec.minCount()) {
            kept.add(line.substring(0, tab));
          }
        }
      }
    }
    Map<String, Long> keys = new HashMap<>(kept.size() * 2);
    if (spec.encoding().dictionary()) {
      Collections.sort(kept);
      for (int i = 0; i < kept.size(); i++) {
        keys.put(kept.get(i), (long) i);
      }
    } else {
      long mask = spec.hashSpace() - 1;
      for (String f : kept) {
        keys.put(f, FeatureHash.of(f) & mask);
      }
    }
    return keys;
  }
}
