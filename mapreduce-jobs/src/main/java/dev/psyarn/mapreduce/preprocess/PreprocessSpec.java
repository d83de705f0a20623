package dev.psyarn.mapreduce.preprocess;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.psyarn.runtime.RuntimeSpec;
import dev.psyarn.specs.SpecException;
import dev.psyarn.specs.SpecNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code preprocess} section of a job spec: where the raw data is, how to read it, how to make
 * labels, the train/test split and features of it, and how to encode features as keys. Immutable
 * and valid once read; errors name the field ({@code preprocess.features[3].part: ...}).
 *
 * @param input a file, directory or glob on any Hadoop file system
 * @param format how to read records
 * @param label true or above zero makes a positive example
 * @param split which rows are test rows
 * @param features the declared features, crosses after what they cross
 * @param encoding how feature texts become keys
 * @param minCount features seen fewer times in the training rows are dropped (1 keeps all)
 * @param maxBadFraction the fraction of bad records tolerated before the job fails
 * @param seed the seed of a fraction split (which rows are test rows)
 * @param splitMb the largest input split in MiB (more map tasks for smaller), 0 for the default
 * @param output where the statistics and shards go (null: the application's staging directory)
 * @param json the section as JSON, handed to the MapReduce tasks
 * @param runtime the runtime of the map and reduce tasks (a Docker image, say), or null for
 *     the cluster's default
 * @param missingAsValue whether a missing value (a Parquet null, an empty CSV field or one of
 *     the format's {@code nullValues}) is its own feature {@code name=}; else it is left out
 * @param runIn where psyarn's ApplicationMaster runs the stage's MapReduce jobs
 */
public record PreprocessSpec(String input, Format format, Expression label, Split split, List<FeatureSpec> features,
    Encoding encoding, int minCount, double maxBadFraction, long seed, int splitMb, String output, String json,
    RuntimeSpec runtime, boolean missingAsValue, RunIn runIn) {

  /**
   * Where the ApplicationMaster runs the stage's jobs: {@code cluster}, as YARN applications of their own
   * (a MapReduce AM, task containers); {@code am}, inside psyarn's AM by MapReduce's LocalJobRunner (no
   * MapReduce AM or task JVM to start; the AM's memory and vcores hold the map tasks); {@code auto}
   * (the default), in the AM when the input is small ({@code psyarn.preprocess.in-am.max-mb}) and the
   * tasks have no runtime of their own.
   */
  public enum RunIn {
    AUTO, AM, CLUSTER;

    public String specName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * How records are read. {@code columns} names CSV columns when there is no header;
   * {@code nullValues} are the CSV field texts that mean a missing value, as R, pandas and
   * databases write them.
   */
  public record Format(String type, boolean header, char delimiter, char quote, List<String> columns,
      List<String> nullValues) {
    public static final List<String> TYPES = List.of("parquet", "csv", "libsvm", "text");
    /** Missing values as R ({@code NA}), pandas ({@code NaN}, {@code nan}, {@code None}) and SQL dumps write them. */
    public static final List<String> DEFAULT_NULL_VALUES = List.of("NA", "N/A", "NaN", "nan", "null", "NULL", "None");

    public Format {
      columns = List.copyOf(columns);
      nullValues = List.copyOf(nullValues);
    }

    public Format(String type, boolean header, char delimiter, char quote, List<String> columns) {
      this(type, header, delimiter, quote, columns, DEFAULT_NULL_VALUES);
    }
  }

  /** Test rows: those matching {@code test}, or a {@code testFraction} of rows chosen by hash. */
  public record Split(Expression test, double testFraction) {}

  /** {@code hash} into {@code 2^bits} keys, or a {@code dictionary} of the kept features. */
  public record Encoding(String type, int bits) {
    public boolean dictionary() {
      return type.equals("dictionary");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  public PreprocessSpec {
    features = List.copyOf(features);
  }

  /** Reads and checks the section. */
  public static PreprocessSpec read(SpecNode node) {
    node.allowOnly("input", "format", "label", "split", "features", "encoding", "minCount", "maxBadFraction", "seed",
        "splitMb", "output", "runtime", "missing", "runIn");
    String missing = node.textOr("missing", "skip");
    if (!missing.equals("skip") && !missing.equals("value")) {
      throw node.error("missing", "must be skip (a missing value leaves its feature out) or value (it is the "
          + "feature's own value, name=), got \"" + missing + "\"");
    }
    RuntimeSpec runtime = RuntimeSpec.read(node);
    RunIn runIn = runIn(node, runtime);
    String input = node.text("input");
    Format format = format(node);
    String defaultLabel = format.type().equals("libsvm") || format.type().equals("text") ? "label > 0" : null;
    if (defaultLabel == null && !node.has("label")) {
      throw node.error("label", "required for " + format.type() + " input: an expression such as \"delay >= 15\"");
    }
    Expression label = expression(node, "label", node.textOr("label", defaultLabel));
    Split split = split(node);
    List<FeatureSpec> features = features(node);
    Encoding encoding = node.optionalObject("encoding").map(e -> {
      e.allowOnly("type", "bits");
      String type = e.textOr("type", "hash");
      if (!type.equals("hash") && !type.equals("dictionary")) {
        throw e.error("type", "must be hash or dictionary, got \"" + type + "\"");
      }
      if (type.equals("dictionary") && e.has("bits")) {
        throw e.error("bits", "only a hash encoding has bits");
      }
      return new Encoding(type, type.equals("hash") ? e.integerOr("bits", 24, 10, 30) : 0);
    }).orElse(new Encoding("hash", 24));
    double maxBad = node.decimal("maxBadFraction", 0.001);
    if (maxBad < 0 || maxBad > 1) {
      throw node.error("maxBadFraction", "must be from 0 (no bad record tolerated) to 1, got " + maxBad);
    }
    long seed = node.integerOr("seed", 1, 0, Integer.MAX_VALUE);
    try {
      return new PreprocessSpec(input, format, label, split, features, encoding,
          node.integerOr("minCount", 1, 1, 1_000_000_000), maxBad, seed, node.integerOr("splitMb", 0, 0, 1 << 20),
          node.has("output") ? node.text("output") : null, JSON.writeValueAsString(node.json()),
          runtime instanceof RuntimeSpec.Native ? null : runtime, missing.equals("value"), runIn);
    } catch (JsonProcessingException e) {
      throw node.error("cannot be written as JSON: " + e.getOriginalMessage());
    }
  }

  private static RunIn runIn(SpecNode node, RuntimeSpec runtime) {
    String text = node.textOr("runIn", "auto");
    RunIn runIn;
    try {
      runIn = RunIn.valueOf(text.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw node.error("runIn", "must be auto (in the ApplicationMaster when the input is small), am (always there) "
          + "or cluster (MapReduce applications of their own), got \"" + text + "\"");
    }
    if (runIn == RunIn.AM && runtime != null && !(runtime instanceof RuntimeSpec.Native)) {
      throw node.error("runIn", "am runs the map tasks in the ApplicationMaster's container, not in the tasks' "
          + "runtime; remove runIn or the runtime (a runtime needs runIn: cluster or auto)");
    }
    return runIn;
  }

  /** Reads the JSON form handed to tasks. */
  public static PreprocessSpec fromJson(String json) {
    try {
      return read(SpecNode.root(JSON.readTree(json)));
    } catch (JsonProcessingException e) {
      throw new SpecException("preprocess", "is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /**
   * Makes a relative {@code input} or {@code output} without a scheme absolute against
   * {@code base}, the spec file's directory.
   */
  public static void resolvePaths(ObjectNode section, URI base) {
    dev.psyarn.specs.SpecPaths.resolve(section, base, "input", "output");
  }

  /** The columns read by the label, split and features. */
  public Set<String> columns() {
    Set<String> out = new TreeSet<>(label.columns());
    if (split.test() != null) {
      out.addAll(split.test().columns());
    }
    for (FeatureSpec f : features) {
      if (f.column() != null) {
        out.add(f.column());
      }
    }
    return out;
  }

  /** The size of the hashed key space, or 0 for a dictionary (known after the statistics). */
  public long hashSpace() {
    return encoding.dictionary() ? 0 : 1L << encoding.bits();
  }

  private static Format format(SpecNode node) {
    if (!node.has("format")) {
      throw node.error("format", "required: one of " + String.join(", ", Format.TYPES)
          + " (or {type: csv, header: true, delimiter: \",\"})");
    }
    String type;
    SpecNode f = null;
    if (node.isObject("format")) {
      f = node.object("format");
      f.allowOnly("type", "header", "delimiter", "quote", "columns", "nullValues");
      type = f.text("type");
    } else {
      type = node.text("format");
    }
    if (!Format.TYPES.contains(type)) {
      throw new SpecException(f == null ? "preprocess.format" : f.path() + ".type",
          "unknown format \"" + type + "\"; known: " + String.join(", ", Format.TYPES));
    }
    if (f == null) {
      return new Format(type, type.equals("csv"), type.equals("text") ? '\t' : ',', '"', List.of());
    }
    if (!type.equals("csv") && !type.equals("text")) {
      f.allowOnly("type");
    }
    char delimiter = single(f, "delimiter", type.equals("text") ? '\t' : ',');
    char quote = single(f, "quote", '"');
    boolean header = f.bool("header", type.equals("csv"));
    List<String> columns = f.stringList("columns");
    if (type.equals("csv") && !header && columns.isEmpty()) {
      throw f.error("columns", "required when the CSV has no header: the column names in order");
    }
    if (type.equals("text") && (header || !columns.isEmpty())) {
      throw f.error("text input has two columns, label and text; it takes no header or columns");
    }
    if (new HashSet<>(columns).size() != columns.size()) {
      throw f.error("columns", "names a column twice");
    }
    if (f.has("nullValues") && !type.equals("csv")) {
      throw f.error("nullValues", "only CSV fields are read as text; " + type + " input has no null values to name");
    }
    List<String> nullValues = f.has("nullValues") ? f.stringList("nullValues") : Format.DEFAULT_NULL_VALUES;
    return new Format(type, header, delimiter, quote, columns, nullValues);
  }

  private static char single(SpecNode f, String field, char fallback) {
    String s = f.textOr(field, String.valueOf(fallback));
    if (s.equals("\\t")) {
      return '\t';
    }
    if (s.length() != 1) {
      throw f.error(field, "must be one character (\\t for a tab), got \"" + s + "\"");
    }
    return s.charAt(0);
  }

  private static Split split(SpecNode node) {
    SpecNode s = node.object("split");
    s.allowOnly("test", "testFraction");
    if (s.has("test") == s.has("testFraction")) {
      throw s.error("give exactly one of test (an expression such as \"month(date) >= 6\") or testFraction");
    }
    if (s.has("test")) {
      return new Split(expression(s, "test", s.text("test")), 0);
    }
    double fraction = s.decimal("testFraction", 0);
    if (!(fraction > 0 && fraction < 1)) {
      throw s.error("testFraction", "must be above 0 and below 1, got " + fraction);
    }
    return new Split(null, fraction);
  }

  private static Expression expression(SpecNode node, String field, String text) {
    try {
      return Expression.parse(text);
    } catch (IllegalArgumentException e) {
      throw node.error(field, e.getMessage());
    }
  }

  private static List<FeatureSpec> features(SpecNode node) {
    List<FeatureSpec> out = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (SpecNode f : node.objectList("features")) {
      f.allowOnly("name", "column", "buckets", "part", "tokens", "ngrams", "cross");
      String name = f.text("name");
      if (!name.matches("[A-Za-z0-9_]+")) {
        throw f.error("name", "must be letters, digits and _, got \"" + name + "\"");
      }
      if (!names.add(name)) {
        throw f.error("name", "\"" + name + "\" is declared twice");
      }
      if (f.has("cross")) {
        if (f.has("column")) {
          throw f.error("a feature reads a column or crosses features, not both");
        }
        f.allowOnly("name", "cross");
        List<String> crossed = f.stringList("cross");
        if (crossed.size() < 2) {
          throw f.error("cross", "a cross needs two or more features");
        }
        for (String c : crossed) {
          if (c.equals(name) || !names.contains(c)) {
            throw f.error("cross", "\"" + c + "\" is not a feature declared before this one; declared: "
                + String.join(", ", names));
          }
        }
        out.add(new FeatureSpec(name, FeatureSpec.Kind.CROSS, null, null, 0, null, 0, crossed));
        continue;
      }
      String column = f.text("column");
      int ways = (f.has("buckets") ? 1 : 0) + (f.has("part") ? 1 : 0) + (f.has("tokens") ? 1 : 0);
      if (ways > 1) {
        throw f.error("choose one of buckets, part or tokens");
      }
      if (f.has("ngrams") && !f.has("tokens")) {
        throw f.error("ngrams", "only a tokens feature has ngrams");
      }
      if (f.has("buckets")) {
        if (f.isObject("buckets")) {
          SpecNode b = f.object("buckets");
          b.allowOnly("log2");
          double scale = b.decimal("log2", 0);
          if (!(scale > 0)) {
            throw b.error("log2", "must be a scale above 0, e.g. 2 for half-octave buckets");
          }
          out.add(new FeatureSpec(name, FeatureSpec.Kind.LOG2, column, null, scale, null, 0, null));
        } else if (f.isList("buckets")) {
          double[] edges = f.decimalList("buckets");
          for (int i = 1; i < edges.length; i++) {
            if (!(edges[i] > edges[i - 1])) {
              throw f.error("buckets", "edges must be strictly ascending, but " + edges[i] + " follows " + edges[i - 1]);
            }
          }
          out.add(new FeatureSpec(name, FeatureSpec.Kind.BUCKETS, column, edges, 0, null, 0, null));
        } else {
          throw f.error("buckets", "expected a list of edges such as [100, 500, 1000] or {log2: 2}");
        }
      } else if (f.has("part")) {
        String part = f.text("part");
        if (!FeatureSpec.PARTS.contains(part)) {
          throw f.error("part", "unknown timestamp part \"" + part + "\"; known: " + String.join(", ", FeatureSpec.PARTS));
        }
        out.add(new FeatureSpec(name, FeatureSpec.Kind.TIME, column, null, 0, part, 0, null));
      } else if (f.has("tokens")) {
        String tokens = f.text("tokens");
        if (!tokens.equals("words")) {
          throw f.error("tokens", "the tokenizer must be words (lowercased letters and digits), got \"" + tokens + "\"");
        }
        out.add(new FeatureSpec(name, FeatureSpec.Kind.TOKENS, column, null, 0, null, f.integerOr("ngrams", 1, 1, 2),
            null));
      } else {
        out.add(new FeatureSpec(name, FeatureSpec.Kind.CATEGORICAL, column, null, 0, null, 0, null));
      }
    }
    return out;
  }
}
