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
    return load(conf, stats, spec.encoding().dictionary(), spec.hashSpace(), spec.minCount());
  }

  /**
   * The keys of the features named {@code names} (the spec's {@code features[].name}: {@code dom}
   * for {@code dom=1}, {@code dom=2}, ...) among the kept features of a preprocessing stage's
   * output directory, which holds its statistics and its report (the encoding and count filter
   * the shards were written with). Sorted ascending. A name without a feature is an error that
   * lists the names there are.
   */
  public static long[] keysOf(Configuration conf, Path output, java.util.Collection<String> names) throws IOException {
    FileSystem fs = output.getFileSystem(conf);
    com.fasterxml.jackson.databind.JsonNode report = null;
    for (String name : List.of("preprocess.json", "stats.json")) {
      Path file = new Path(output, name);
      if (fs.exists(file)) {
        try (var in = fs.open(file)) {
          report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        }
        break;
      }
    }
    if (report == null || !report.has("keySpace") || !report.has("encoding")) {
      throw new IOException("no preprocessing report (preprocess.json) in " + output + ": the features' keys are known "
          + "only for shards the preprocessing stage wrote");
    }
    boolean dictionary = report.path("encoding").asText().equals("dictionary");
    Map<String, Long> features = load(conf, new Path(output, Preprocess.STATS), dictionary,
        dictionary ? 0 : report.path("keySpace").asLong(), report.path("minCount").asLong(1));
    java.util.TreeSet<String> seen = new java.util.TreeSet<>();
    java.util.TreeSet<Long> keys = new java.util.TreeSet<>();
    java.util.Set<String> wanted = new java.util.HashSet<>(names);
    java.util.Set<String> found = new java.util.HashSet<>();
    for (Map.Entry<String, Long> f : features.entrySet()) {
      int eq = f.getKey().indexOf('=');
      String name = eq < 0 ? f.getKey() : f.getKey().substring(0, eq);
      seen.add(name);
      if (wanted.contains(name)) {
        keys.add(f.getValue());
        found.add(name);
      }
    }
    for (String name : names) {
      if (!found.contains(name)) {
        throw new IOException("no feature named \"" + name + "\" among the preprocessing's features " + seen);
      }
    }
    return keys.stream().mapToLong(Long::longValue).toArray();
  }

  private static Map<String, Long> load(Configuration conf, Path stats, boolean dictionary, long hashSpace,
      long minCount) throws IOException {
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
          if (Long.parseLong(line.substring(tab + 1)) >= minCount) {
            kept.add(line.substring(0, tab));
          }
        }
      }
    }
    Map<String, Long> keys = new HashMap<>(kept.size() * 2);
    if (dictionary) {
      Collections.sort(kept);
      for (int i = 0; i < kept.size(); i++) {
        keys.put(kept.get(i), (long) i);
      }
    } else {
      long mask = hashSpace - 1;
      for (String f : kept) {
        keys.put(f, FeatureHash.of(f) & mask);
      }
    }
    return keys;
  }
}
