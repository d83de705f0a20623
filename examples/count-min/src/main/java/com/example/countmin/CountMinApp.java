package com.example.countmin;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.psyarn.ps.api.AppSettings;
import dev.psyarn.ps.api.Application;
import dev.psyarn.ps.api.WorkerContext;
import dev.psyarn.ps.update.UpdaterSpec;
import dev.psyarn.ps.worker.KVWorker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A count-min sketch of the words of a text, on psyarn's servers, and its top-k heavy hitters.
 *
 * <p>Each worker counts the words of its share of the lines (line i goes to worker i mod n) and
 * pushes each word's count under the word's key; the servers' {@link CountMinHandle} adds them to
 * its sketch. Once every worker has pushed, each pulls the sketch's estimates of its most frequent
 * words, and the AM merges them into the job's heavy hitters.
 *
 * <pre>
 * app:
 *   type: count-min                 # registered in META-INF/services (or com.example.countmin.CountMinApp)
 *   jars: [hdfs:///apps/count-min-1.0.jar]
 *   text: hdfs:///data/corpus.txt
 *   depth: 4                        # rows: each estimate holds with probability 1 - e^-depth
 *   width: 4096                     # counters a row: an estimate is at most e/width × the words above the count
 *   topK: 10
 * </pre>
 */
public final class CountMinApp implements Application<CountMinApp.Settings, CountMinApp.Result, CountMinApp.Summary> {

  static final int TABLE = 0;
  private static final int BATCH = 20_000;

  /**
   * The {@code app} section.
   *
   * @param text the text file, on any file system Hadoop reaches
   * @param depth the sketch's rows
   * @param width the sketch's counters a row
   * @param topK the heavy hitters the job reports
   * @param candidates each worker's most frequent words whose estimates it pulls (at least topK)
   */
  public record Settings(String text, Integer depth, Integer width, Integer topK, Integer candidates) {
    public Settings {
      text = AppSettings.required("text", text);
      depth = AppSettings.intIn("depth", depth, 4, 1, 16);
      width = AppSettings.intIn("width", width, 1 << 12, 16, 1 << 24);
      topK = AppSettings.intIn("topK", topK, 10, 1, 10_000);
      candidates = AppSettings.intIn("candidates", candidates, Math.max(100, topK), topK, 1_000_000);
    }
  }

  /** A word and the sketch's estimate of its count. */
  public record Estimate(String word, long estimate) {}

  /**
   * One worker's part.
   *
   * @param words words it read
   * @param distinct distinct words among them
   * @param candidates its most frequent words, with the sketch's estimates
   * @param jackson the Jackson version the app's own classes see (its jar's, not psyarn's)
   */
  public record Result(long words, long distinct, List<Estimate> candidates, String jackson) {}

  /**
   * The job's result.
   *
   * @param words words in the text
   * @param epsilon e / width: an estimate exceeds the true count by at most epsilon × words...
   * @param delta ...except with probability e^-depth
   * @param errorBound epsilon × words
   * @param topK the heavy hitters, most frequent first
   * @param estimates every candidate's estimate, by word
   * @param jackson the Jackson versions the workers' app classes saw
   */
  public record Summary(long words, int depth, int width, double epsilon, double delta, double errorBound,
      List<Estimate> topK, Map<String, Long> estimates, List<String> jackson) {}

  @Override
  public String name() {
    return "count-min";
  }

  @Override
  public Class<Settings> settingsType() {
    return Settings.class;
  }

  @Override
  public Class<Result> resultType() {
    return Result.class;
  }

  @Override
  public void checkInputs(Settings settings, int workers, Configuration conf) throws IOException {
    Path text = new Path(settings.text());
    FileSystem fs = text.getFileSystem(conf);
    if (!fs.exists(text) || fs.getFileStatus(text).isDirectory()) {
      throw new dev.psyarn.ps.api.SettingsException("text", "no text file at " + fs.makeQualified(text));
    }
  }

  @Override
  public Result run(WorkerContext<Settings> context) throws Exception {
    Settings s = context.settings();
    Map<String, Long> counts = new HashMap<>();
    long words = 0;
    Path path = new Path(s.text());
    try (BufferedReader in = new BufferedReader(new InputStreamReader(path.getFileSystem(new Configuration()).open(path),
        StandardCharsets.UTF_8))) {
      long line = 0;
      for (String text = in.readLine(); text != null; text = in.readLine(), line++) {
        if (line % context.numWorkers() != context.index()) {
          continue;
        }
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
          if (!word.isEmpty()) {
            counts.merge(word, 1L, Long::sum);
            words++;
          }
        }
      }
    }
    KVWorker kv = context.kv();
    kv.createTable(TABLE, 1, UpdaterSpec.custom(CountMinHandle.class, Map.of("depth", s.depth(), "width", s.width())));
    TreeMap<Long, Long> byKey = new TreeMap<>();
    counts.forEach((word, count) -> byKey.merge(Hashing.key(word), count, Long::sum));
    push(kv, byKey);
    context.live().put("countmin.words", (double) words);
    context.coordinator().barrier("count-min-sketched");

    List<Map.Entry<String, Long>> frequent = new ArrayList<>(counts.entrySet());
    frequent.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    TreeMap<Long, String> asked = new TreeMap<>();
    for (Map.Entry<String, Long> e : frequent.subList(0, Math.min(s.candidates(), frequent.size()))) {
      asked.put(Hashing.key(e.getKey()), e.getKey());
    }
    long[] keys = asked.keySet().stream().mapToLong(Long::longValue).toArray();
    float[] estimates = new float[keys.length];
    kv.waitFor(kv.pull(TABLE, keys, estimates));
    List<Estimate> candidates = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      candidates.add(new Estimate(asked.get(keys[i]), (long) estimates[i]));
    }
    candidates.sort(Comparator.comparingLong(Estimate::estimate).reversed().thenComparing(Estimate::word));
    // The app's own Jackson (bundled in its jar) writes its log line.
    ObjectMapper json = new ObjectMapper();
    System.out.println("count-min worker " + context.index() + ": " + words + " words, top "
        + json.writeValueAsString(candidates.subList(0, Math.min(3, candidates.size()))));
    return new Result(words, counts.size(), candidates,
        com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
  }

  /** Pushes each key's count, in batches of sorted keys (counts below 2^24 stay exact in a float). */
  private static void push(KVWorker kv, TreeMap<Long, Long> byKey) {
    long[] keys = new long[Math.min(BATCH, byKey.size())];
    float[] values = new float[keys.length];
    int n = 0;
    for (Map.Entry<Long, Long> e : byKey.entrySet()) {
      if (e.getValue() >= 1 << 24) {
        throw new IllegalStateException("a word seen " + e.getValue() + " times: too many for an exact float push");
      }
      keys[n] = e.getKey();
      values[n++] = e.getValue();
      if (n == keys.length) {
        kv.waitFor(kv.push(TABLE, keys, values));
        n = 0;
      }
    }
    if (n > 0) {
      kv.waitFor(kv.push(TABLE, java.util.Arrays.copyOf(keys, n), java.util.Arrays.copyOf(values, n)));
    }
  }

  @Override
  public Summary combine(Settings settings, List<Result> results) {
    long words = results.stream().mapToLong(Result::words).sum();
    Map<String, Long> estimates = new LinkedHashMap<>();
    for (Result r : results) {
      for (Estimate e : r.candidates()) {
        estimates.put(e.word(), e.estimate()); // every worker pulls the same sketch: the same estimate
      }
    }
    List<Estimate> top = estimates.entrySet().stream()
        .map(e -> new Estimate(e.getKey(), e.getValue()))
        .sorted(Comparator.comparingLong(Estimate::estimate).reversed().thenComparing(Estimate::word))
        .limit(settings.topK()).toList();
    double epsilon = Math.E / settings.width();
    return new Summary(words, settings.depth(), settings.width(), epsilon, Math.exp(-settings.depth()),
        epsilon * words, top, estimates, results.stream().map(Result::jackson).distinct().sorted().toList());
  }

  @Override
  public Optional<String> verify(Summary summary) {
    if (summary.words() == 0) {
      return Optional.of("the text has no words");
    }
    if (summary.topK().isEmpty() || summary.topK().get(0).estimate() < 1) {
      return Optional.of("the sketch answered no counts: its pushes were lost");
    }
    return Optional.empty();
  }
}
