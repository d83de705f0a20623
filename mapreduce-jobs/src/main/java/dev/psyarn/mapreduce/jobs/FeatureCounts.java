package dev.psyarn.mapreduce.jobs;

import it.unimi.dsi.fastutil.objects.Object2LongOpenHashMap;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;

/**
 * Feature counts of the one-pass stage, where the shard job also counts (hash encoding, no count
 * filter: the shards need nothing from the counts). Each map task counts its training rows'
 * features in memory and writes them as sorted runs ({@code feature<TAB>count}, in the byte order
 * of their UTF-8, as MapReduce sorts {@link Text}) beside its output, one run each time it holds
 * {@link #FLUSH_AT} features and one at its end; {@link #merge} then sums the runs of every task
 * into the statistics job's own output format, streaming (one line of each run in memory).
 */
final class FeatureCounts {

  /** Distinct features held before a run is written. */
  static final int FLUSH_AT = 500_000;
  /** The runs' names start with this, under the shard job's output. */
  static final String RUN_PREFIX = "counts-";

  /** Open addressing, counts unboxed: a row's dozen lookups are most of a map task's time. */
  private final Object2LongOpenHashMap<String> counts = new Object2LongOpenHashMap<>(1 << 16);
  private final Path dir;
  private final String task;
  private final Configuration conf;
  private final int flushAt;
  private int runs;

  FeatureCounts(Configuration conf, Path dir, String task) {
    this(conf, dir, task, FLUSH_AT);
  }

  FeatureCounts(Configuration conf, Path dir, String task, int flushAt) {
    this.conf = conf;
    this.dir = dir;
    this.task = task;
    this.flushAt = flushAt;
  }

  /** Counts one occurrence of {@code feature}; writes a run when the map is full. */
  void add(String feature) throws IOException {
    counts.addTo(feature, 1);
    if (counts.size() >= flushAt) {
      flush();
    }
  }

  /** Writes what is held as one sorted run (nothing if nothing is held). */
  void flush() throws IOException {
    if (counts.isEmpty()) {
      return;
    }
    List<Text> features = new ArrayList<>(counts.size());
    for (String f : counts.keySet()) {
      features.add(new Text(f));
    }
    features.sort(null);
    Path run = new Path(dir, String.format("%s%s-%03d", RUN_PREFIX, task, runs++));
    try (Writer out = new java.io.BufferedWriter(new OutputStreamWriter(run.getFileSystem(conf).create(run, false),
        StandardCharsets.UTF_8), 1 << 16)) {
      for (Text f : features) {
        String s = f.toString();
        out.write(s);
        out.write('\t');
        out.write(Long.toString(counts.getLong(s)));
        out.write('\n');
      }
    }
    counts.clear();
  }

  /** One run being merged: its reader and current line. */
  private static final class Cursor {
    final BufferedReader in;
    final Text feature = new Text();
    long count;

    Cursor(BufferedReader in) {
      this.in = in;
    }

    boolean next() throws IOException {
      String line = in.readLine();
      if (line == null) {
        return false;
      }
      int tab = line.lastIndexOf('\t');
      if (tab < 0) {
        throw new IOException("a feature count line without a tab: " + line);
      }
      feature.set(line.substring(0, tab));
      count = Long.parseLong(line.substring(tab + 1));
      return true;
    }
  }

  /**
   * Sums the runs under {@code dir} into {@code out} ({@code feature<TAB>count}, sorted), deletes
   * the runs, and returns the number of distinct features and of those counted at least
   * {@code minCount} times.
   */
  static long[] merge(Configuration conf, Path dir, Path out, int minCount) throws IOException {
    FileSystem fs = dir.getFileSystem(conf);
    org.apache.hadoop.fs.FileStatus[] runs = fs.globStatus(new Path(dir, RUN_PREFIX + "*"));
    PriorityQueue<Cursor> heads = new PriorityQueue<>((a, b) -> a.feature.compareTo(b.feature));
    List<Cursor> open = new ArrayList<>();
    long distinct = 0;
    long kept = 0;
    try (Writer w = new java.io.BufferedWriter(new OutputStreamWriter(out.getFileSystem(conf).create(out, false),
        StandardCharsets.UTF_8), 1 << 16)) {
      for (org.apache.hadoop.fs.FileStatus run : runs == null ? new org.apache.hadoop.fs.FileStatus[0] : runs) {
        Cursor c = new Cursor(new BufferedReader(new InputStreamReader(fs.open(run.getPath()), StandardCharsets.UTF_8),
            1 << 16));
        open.add(c);
        if (c.next()) {
          heads.add(c);
        }
      }
      Text current = new Text();
      long sum = 0;
      boolean any = false;
      while (!heads.isEmpty()) {
        Cursor c = heads.poll();
        if (!any || !c.feature.equals(current)) {
          if (any) {
            write(w, current, sum);
            distinct++;
            kept += sum >= minCount ? 1 : 0;
          }
          current.set(c.feature);
          sum = 0;
          any = true;
        }
        sum += c.count;
        if (c.next()) {
          heads.add(c);
        }
      }
      if (any) {
        write(w, current, sum);
        distinct++;
        kept += sum >= minCount ? 1 : 0;
      }
    } finally {
      for (Cursor c : open) {
        c.in.close();
      }
    }
    for (org.apache.hadoop.fs.FileStatus run : runs == null ? new org.apache.hadoop.fs.FileStatus[0] : runs) {
      fs.delete(run.getPath(), false);
    }
    return new long[] {distinct, kept};
  }

  private static void write(Writer w, Text feature, long count) throws IOException {
    w.write(feature.toString());
    w.write('\t');
    w.write(Long.toString(count));
    w.write('\n');
  }
}
