package dev.psyarn.am;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.psyarn.spec.JobSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileChecksum;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Preprocessing output kept for the next job that needs the same: an entry per key under the
 * cache root ({@code psyarn.preprocess.cache-dir}, by default {@code .psyarn/preprocess-cache} in
 * the user's home on the cluster's file system). The key is a SHA-256 of what the output depends
 * on: the shard format's version, the {@code preprocess} section, the number of training shards,
 * and each input file's path, length and content checksum (the file system's, where it has one,
 * as HDFS does; else its modification time). A changed input or section is another key, so an
 * entry is never served stale. An entry is written whole under a temporary name and renamed, with a marker holding the
 * stage's report; only an entry with its marker is used.
 */
final class PreprocessCache {

  /** Where entries are kept; empty turns reuse off. */
  static final String DIR = dev.psyarn.PsyarnConfig.PREPROCESS_CACHE_DIR;
  /** The marker of a whole entry: the preprocessing report, as JSON. */
  static final String MARKER = "_PSYARN_PREPROCESSED";
  /**
   * In every key: the cache's own layout and the shards' format version, so a psyarn that writes
   * another version of shards neither serves nor is served another's.
   */
  private static final String FORMAT = "psyarn-preprocess-cache-1 shards-"
      + dev.psyarn.mapreduce.shard.ShardFormat.VERSION;
  private static final ObjectMapper JSON = new ObjectMapper();

  private PreprocessCache() {}

  /**
   * The entry a job's preprocessing output goes to, or empty when the spec names its own output
   * or the cache is off.
   */
  static Optional<Path> entry(Configuration conf, JobSpec spec) throws IOException {
    if (!spec.preprocesses() || spec.preprocess().output() != null) {
      return Optional.empty();
    }
    String dir = conf.get(DIR);
    Path root;
    if (dir == null) {
      FileSystem fs = FileSystem.get(conf);
      root = new Path(fs.getHomeDirectory(), ".psyarn/preprocess-cache");
    } else if (dir.isBlank() || dir.trim().equalsIgnoreCase(dev.psyarn.PsyarnConfig.PREPROCESS_CACHE_OFF)) {
      return Optional.empty();
    } else {
      root = new Path(dir);
    }
    return Optional.of(new Path(root, key(conf, withoutRunIn(spec.preprocessJson()), spec.trainingShards(),
        spec.preprocess().input())));
  }

  /**
   * The section less {@code runIn}: where the jobs ran does not change what they make, so an output
   * made on the cluster serves a job that would preprocess in its AM, and the other way round.
   */
  static String withoutRunIn(String section) throws IOException {
    ObjectMapper json = new ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode tree = json.readTree(section);
    if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode o && o.has("runIn")) {
      o.remove("runIn");
      return json.writeValueAsString(o);
    }
    return section;
  }

  /** The key of an output: the section, the shard count and the inputs as they are now. */
  static String key(Configuration conf, String section, int shards, String input) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    update(sha, FORMAT);
    update(sha, section);
    update(sha, Integer.toString(shards));
    for (String file : inputs(conf, input)) {
      update(sha, file);
    }
    return HexFormat.of().formatHex(sha.digest()).substring(0, 32);
  }

  /** Each input file (a glob and directories expanded) as "path length checksum", in path order. */
  static List<String> inputs(Configuration conf, String input) throws IOException {
    Path path = new Path(input);
    FileSystem fs = path.getFileSystem(conf);
    FileStatus[] matched = fs.globStatus(path);
    List<String> out = new ArrayList<>();
    if (matched == null) {
      return out;
    }
    for (FileStatus m : matched) {
      if (m.isDirectory()) {
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(m.getPath(), true);
        while (files.hasNext()) {
          out.add(describe(fs, files.next()));
        }
      } else {
        out.add(describe(fs, m));
      }
    }
    out.sort(null);
    return out;
  }

  private static String describe(FileSystem fs, FileStatus f) throws IOException {
    FileChecksum checksum = f.getLen() == 0 ? null : fs.getFileChecksum(f.getPath());
    String content = checksum != null ? checksum.toString() : "mtime " + f.getModificationTime();
    return f.getPath().toUri().getPath() + " " + f.getLen() + " " + content;
  }

  private static void update(MessageDigest sha, String text) {
    sha.update(text.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
  }

  /**
   * The report a whole entry was written with, and when ({@link #MADE_AT}: the marker's modification
   * time, ISO-8601), or empty when there is no whole entry.
   */
  static Optional<Map<String, Object>> read(FileSystem fs, Path entry) throws IOException {
    Path marker = new Path(entry, MARKER);
    FileStatus status;
    try {
      status = fs.getFileStatus(marker);
    } catch (java.io.FileNotFoundException e) {
      return Optional.empty();
    }
    Map<String, Object> report;
    try (InputStream in = fs.open(marker)) {
      report = JSON.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() { });
    } catch (IOException e) {
      return Optional.empty(); // cut short: the entry is made again
    }
    report.putIfAbsent(MADE_AT, java.time.Instant.ofEpochMilli(status.getModificationTime()).toString());
    return Optional.of(report);
  }

  /** In a kept entry's report: when it was made. */
  static final String MADE_AT = "madeAt";
  /** In a kept entry's report: the application that made it. */
  static final String MADE_BY = "madeBy";

  /** Marks a whole entry with its report and the application that made it ({@code madeBy}, may be null). */
  static void mark(FileSystem fs, Path entry, Map<String, Object> report, String madeBy) throws IOException {
    Map<String, Object> kept = new LinkedHashMap<>(report);
    if (madeBy != null) {
      kept.put(MADE_BY, madeBy);
    }
    try (OutputStream out = fs.create(new Path(entry, MARKER), true)) {
      JSON.writeValue(out, kept);
    }
  }
}
