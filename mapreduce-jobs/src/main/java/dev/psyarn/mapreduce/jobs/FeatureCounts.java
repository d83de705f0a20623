package dev.psyarn.mapreduce.jobs;

import dev.psyarn.mapreduce.preprocess.Featurizer;
import it.unimi.dsi.fastutil.ints.IntArrays;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Feature counts of the one-pass stage, where the shard job also counts (hash encoding, no count
 * filter: the shards need nothing from the counts). Each map task counts its training rows'
 * features in memory and writes them as sorted runs ({@code feature<TAB>count}, in the byte order
 * of their UTF-8, as MapReduce sorts {@link org.apache.hadoop.io.Text}) beside its output, one run
 * each time it holds {@link #FLUSH_AT} features and one at its end; {@link #merge} then sums the runs
 * of every task into the statistics job's own output format, streaming (one line of each run in
 * memory).
 *
 * <p>A feature is counted under a 64-bit fingerprint of its UTF-8 text ({@link #fingerprint}), in a
 * table of the declared feature it is a value of (an hour's 24 values stay in a small table, hot in
 * the cache; a route's thousands in their own), its bytes kept once, when first seen: no string a
 * feature. A text of up to 15 bytes (every feature of the flights task: {@code rh=ORD|LAX|13} is
 * 13) has a fingerprint made of its bytes and length, packed into two words and mixed, cheaper
 * than a hash of the bytes; a longer text's is its XXH64. A table keeps a fingerprint's top 40
 * bits and finds its slot from the low ones ({@link CountTable}): two texts of one feature are
 * counted together only if they share those 40 bits and one's probe reaches the other's slot
 * (about 3n/2⁴⁰ for n distinct texts at three quarters full: 3·10⁻⁵ for ten million).
 *
 * <p>Given a featurizer to expand them, it also counts a row's families ({@link
 * Featurizer#families}) as the tuples of their bases' values ({@link #addTuples}), in tables of the
 * same kind, and turns each distinct tuple into its texts, with the tuple's count, when a run is
 * written: the same counts, for a probe a family where each of its texts took one.
 */
final class FeatureCounts {

  /** Distinct texts held (a tuple counting as the texts it stands for) before a run is written. */
  static final int FLUSH_AT = 500_000;
  /** The runs' names start with this, under the shard job's output. */
  static final String RUN_PREFIX = "counts-";

  private static final XXHash64 XXH64 = XXHashFactory.fastestJavaInstance().hash64();
  private static final long SEED = 0x5053_7073_7961_726EL;

  /** Each declared feature's counts, by its texts' fingerprints, and the texts. */
  private CountTable[] counts = new CountTable[0];
  /** Each family's counts, by its tuples' fingerprints, and the tuples ({@link Featurizer#tuple}). */
  private final CountTable[] tuples;
  /** Gives each tuple's texts when a run is written: a featurizer of the spec's, of its own. */
  private final Featurizer expander;
  /** Each feature's family, or -1 (none without an expander); whether the row's family was counted as a tuple. */
  private final int[] familyOf;
  private final boolean[] tupled;
  /** Distinct texts held, and as many for each distinct tuple as the texts it stands for. */
  private int size;
  private final Path dir;
  private final String task;
  private final Configuration conf;
  private final int flushAt;
  private int runs;

  FeatureCounts(Configuration conf, Path dir, String task) {
    this(conf, dir, task, FLUSH_AT, null);
  }

  FeatureCounts(Configuration conf, Path dir, String task, int flushAt) {
    this(conf, dir, task, flushAt, null);
  }

  /**
   * Counts that also take whole tuples ({@link #addTuples}) of {@code expander}'s families, which
   * {@code expander} turns into their texts when a run is written; null for texts only.
   */
  FeatureCounts(Configuration conf, Path dir, String task, int flushAt, Featurizer expander) {
    this.conf = conf;
    this.dir = dir;
    this.task = task;
    this.flushAt = flushAt;
    this.expander = expander;
    tuples = new CountTable[expander == null ? 0 : expander.families()];
    for (int f = 0; f < tuples.length; f++) {
      tuples[f] = new CountTable();
    }
    tupled = new boolean[tuples.length];
    familyOf = new int[expander == null ? 0 : expander.features()];
    for (int i = 0; i < familyOf.length; i++) {
      familyOf[i] = expander.family(i);
    }
  }

  /**
   * Counts the row {@code row} has just read ({@link Featurizer#read}) family by family: a family
   * whose bases have one value each as the tuple of those values ({@link Featurizer#tuple}), which
   * stands for each of the family's texts in the row once, so that {@link #add} then leaves those
   * texts out until the next row; the texts are made when a run is written, once a distinct tuple.
   * A training row of the flights task counts 9 of its 13 texts with two probes (the route by
   * hour's bases, 39,244 distinct tuples in 30 M rows, and hour by weekday's, 168) where they took
   * 9. A family with a base missing or many-valued in this row is counted text by text.
   */
  void addTuples(Featurizer row) throws IOException {
    for (int f = 0; f < tuples.length; f++) {
      int length = row.tuple(f);
      tupled[f] = length >= 0;
      // A new tuple may be as many new texts as it stands for: it counts as that many against flushAt.
      if (length >= 0 && tuples[f].add(fingerprint(row.tupleBytes(), length), row.tupleBytes(), length)
          && (size += row.familySize(f)) >= flushAt) {
        flush();
      }
    }
  }

  /** Counts one occurrence of {@code text} (in the table of feature 0). */
  void add(String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    add(0, utf8, utf8.length);
  }

  /**
   * Counts one occurrence of the text whose UTF-8 is {@code text}'s first {@code length} bytes, a
   * value of declared feature {@code feature}, unless the row {@link #addTuples} saw last counted
   * that feature's family as a tuple; writes a run when the tables hold {@code flushAt}.
   */
  void add(int feature, byte[] text, int length) throws IOException {
    if (feature < familyOf.length && familyOf[feature] >= 0 && tupled[familyOf[feature]]) {
      return;
    }
    if (feature >= counts.length) {
      grow(feature);
    }
    if (counts[feature].add(fingerprint(text, length), text, length) && ++size >= flushAt) {
      flush();
    }
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * The fingerprint a text is counted under: for up to 15 bytes, its first 8 bytes (zero-padded) as
   * one word and the rest with the length in the top byte as another, through {@code mix(a ^
   * mix(b))} ({@code mix}: MurmurHash3's 64-bit finalizer, a bijection, so texts that differ in
   * their first 8 bytes only never share one); XXH64 for longer texts. A few multiplications
   * instead of a hash's setup and loop: the shard job's map hashes 13 texts a row twice, once for
   * the key and once for its count (XXH64 was 5 % of its profile, this is 3.5 %).
   */
  static long fingerprint(byte[] text, int length) {
    if (length > 15) {
      return XXH64.hash(text, 0, length, SEED);
    }
    long a;
    long b;
    if (text.length >= 16) {
      a = (long) LONGS.get(text, 0);
      b = (long) LONGS.get(text, 8);
      if (length <= 8) {
        a &= length == 0 ? 0 : -1L >>> (64 - 8 * length);
        b = 0;
      } else {
        b &= -1L >>> (64 - 8 * (length - 8));
      }
    } else {
      a = 0;
      b = 0;
      for (int i = Math.min(length, 8) - 1; i >= 0; i--) {
        a = a << 8 | (text[i] & 0xff);
      }
      for (int i = length - 1; i >= 8; i--) {
        b = b << 8 | (text[i] & 0xff);
      }
    }
    return mix(a ^ mix(b | (long) length << 56));
  }

  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ h >>> 33;
  }

  private void grow(int feature) {
    int n = counts.length;
    counts = Arrays.copyOf(counts, feature + 1);
    for (int i = n; i <= feature; i++) {
      counts[i] = new CountTable();
    }
  }

  /** Receives a text and its count. */
  @FunctionalInterface
  interface TextCounts {
    void accept(byte[] text, long count);
  }

  /** Writes what is held as one sorted run (nothing if nothing is held). */
  void flush() throws IOException {
    if (size == 0) {
      return;
    }
    // Each tuple's texts into their features' tables, counted as often as the tuple was.
    for (int f = 0; f < tuples.length; f++) {
      int family = f;
      tuples[f].drain((key, times) -> expander.expand(family, key, key.length, (feature, text, length, value) -> {
        if (feature >= counts.length) {
          grow(feature);
        }
        counts[feature].add(fingerprint(text, length), text, length, times);
      }));
    }
    int held = 0;
    for (CountTable table : counts) {
      held += table.size();
    }
    writeRun(held);
    size = 0;
  }

  private void writeRun(int size) throws IOException {
    byte[][] held = new byte[size][];
    long[] heldCounts = new long[size];
    int[] at = {0};
    for (CountTable table : counts) {
      table.drain((text, count) -> {
        held[at[0]] = text;
        heldCounts[at[0]++] = count;
      });
    }
    int n = at[0];
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    IntArrays.quickSort(order, (a, b) -> Arrays.compareUnsigned(held[a], held[b]));
    Path run = new Path(dir, String.format("%s%s-%03d", RUN_PREFIX, task, runs++));
    try (OutputStream out = new BufferedOutputStream(run.getFileSystem(conf).create(run, false), 1 << 16)) {
      for (int i = 0; i < n; i++) {
        // Each text is in one table only: a feature's text starts with its name, and names are unique.
        out.write(held[order[i]]);
        out.write('\t');
        out.write(Long.toString(heldCounts[order[i]]).getBytes(StandardCharsets.US_ASCII));
        out.write('\n');
      }
    }
  }

  /**
   * One run being merged, read as bytes: its current line's feature text and count. The runs are
   * this class's own output, compared and copied as the UTF-8 they hold. A line decoded to a string
   * and encoded again, twice a line, took most of a merge's time: two runs of the flights task's
   * 54,229 features on HDFS, merged once in a fresh JVM as an AM does, 0.61–0.73 s that way and
   * 0.14–0.16 s as bytes (docs/benchmarks.md).
   */
  private static final class Cursor {
    private final InputStream in;
    private final Path run;
    private final byte[] buffer = new byte[1 << 16];
    private int at;
    private int end;
    private long lineNumber;
    /** The current line up to its last tab: the feature's text. */
    byte[] text = new byte[64];
    int length;
    long count;

    Cursor(InputStream in, Path run) {
      this.in = in;
      this.run = run;
    }

    /** Reads the next line; false at the run's end. */
    boolean next() throws IOException {
      int n = 0;
      int tab = -1;
      boolean any = false;
      for (;;) {
        if (at == end) {
          end = Math.max(0, in.read(buffer, 0, buffer.length));
          at = 0;
          if (end == 0) {
            if (!any) {
              return false;
            }
            break;
          }
        }
        byte b = buffer[at++];
        any = true;
        if (b == '\n') {
          break;
        }
        if (n == text.length) {
          text = Arrays.copyOf(text, 2 * n);
        }
        if (b == '\t') {
          tab = n;
        }
        text[n++] = b;
      }
      lineNumber++;
      if (tab < 0 || tab == n - 1) {
        throw bad(n, "no tab and count after the feature");
      }
      long sum = 0;
      for (int i = tab + 1; i < n; i++) {
        int digit = text[i] - '0';
        if (digit < 0 || digit > 9 || sum > (Long.MAX_VALUE - digit) / 10) {
          throw bad(n, "the count is not a whole number");
        }
        sum = sum * 10 + digit;
      }
      length = tab;
      count = sum;
      return true;
    }

    private IOException bad(int n, String what) {
      return new IOException(run + " line " + lineNumber + ": " + what + ": \""
          + new String(text, 0, Math.min(n, 200), StandardCharsets.UTF_8) + "\"");
    }

    int compareTo(Cursor other) {
      return Arrays.compareUnsigned(text, 0, length, other.text, 0, other.length);
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
    if (runs == null) {
      runs = new org.apache.hadoop.fs.FileStatus[0];
    }
    PriorityQueue<Cursor> heads = new PriorityQueue<>(Math.max(1, runs.length), Cursor::compareTo);
    List<Cursor> open = new ArrayList<>();
    long distinct = 0;
    long kept = 0;
    try (OutputStream w = new BufferedOutputStream(out.getFileSystem(conf).create(out, false), 1 << 16)) {
      for (org.apache.hadoop.fs.FileStatus run : runs) {
        Cursor c = new Cursor(fs.open(run.getPath()), run.getPath());
        open.add(c);
        if (c.next()) {
          heads.add(c);
        }
      }
      byte[] current = new byte[64];
      int currentLength = 0;
      long sum = 0;
      boolean any = false;
      while (!heads.isEmpty()) {
        Cursor c = heads.poll();
        if (!any || !Arrays.equals(c.text, 0, c.length, current, 0, currentLength)) {
          if (any) {
            write(w, current, currentLength, sum);
            distinct++;
            kept += sum >= minCount ? 1 : 0;
          }
          if (current.length < c.length) {
            current = new byte[c.text.length];
          }
          System.arraycopy(c.text, 0, current, 0, c.length);
          currentLength = c.length;
          sum = 0;
          any = true;
        }
        sum += c.count;
        if (c.next()) {
          heads.add(c);
        }
      }
      if (any) {
        write(w, current, currentLength, sum);
        distinct++;
        kept += sum >= minCount ? 1 : 0;
      }
    } finally {
      for (Cursor c : open) {
        c.in.close();
      }
    }
    for (org.apache.hadoop.fs.FileStatus run : runs) {
      fs.delete(run.getPath(), false);
    }
    return new long[] {distinct, kept};
  }

  private static void write(OutputStream w, byte[] text, int length, long count) throws IOException {
    w.write(text, 0, length);
    w.write('\t');
    w.write(Long.toString(count).getBytes(StandardCharsets.US_ASCII));
    w.write('\n');
  }
}
