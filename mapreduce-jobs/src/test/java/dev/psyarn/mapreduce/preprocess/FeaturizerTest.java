package dev.psyarn.mapreduce.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.psyarn.mapreduce.flights.FlightsFeatures;
import dev.psyarn.specs.SpecNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class FeaturizerTest {

  static PreprocessSpec spec(String yaml) throws Exception {
    return PreprocessSpec.read(SpecNode.root(new ObjectMapper(new YAMLFactory()).readTree(yaml)));
  }

  /** The shipped example's preprocess section. */
  static PreprocessSpec flights() throws Exception {
    return PreprocessSpec.read(SpecNode.root(new ObjectMapper(new YAMLFactory())
        .readTree(java.nio.file.Files.readString(java.nio.file.Path.of("..", "examples", "flights-lr.yaml")))
        .get("preprocess")));
  }

  @Test
  void theExamplesDeclaredFlightsFeaturesAreTheStandardTasksThirteen() throws Exception {
    Featurizer f = new Featurizer(flights());
    Row.Columns columns = Row.Columns.of(List.of("date", "delay", "distance", "origin", "destination"));
    long micros = Row.Timestamp.parse("2001-03-14T17:05").micros(); // a Wednesday
    Row row = new Row(columns, new Object[] {new Row.Timestamp(micros), 22L, 1846L, "ORD", "LAX"});
    List<String> texts = new ArrayList<>();
    f.features(row, (t, v) -> {
      assertEquals(1f, v);
      texts.add(t);
    });
    assertEquals(List.of("o=ORD", "d=LAX", "r=ORD|LAX", "h=17", "w=2", "dom=14", "db=22", "oh=ORD|17", "dh=LAX|17",
        "rh=ORD|LAX|17", "hw=17|2", "ow=ORD|2", "dw=LAX|2"), texts);
    assertEquals(FlightsFeatures.PER_ROW, texts.size());
    assertEquals(1, f.label(row));
    assertEquals(false, f.isTest(row, 7));
    // The hand-coded featurization (FlightsFeatures: sparse-lr's data path and the liblinear
    // baseline's) of the same flight gives the same thirteen keys: one cross text for every path.
    FlightsFeatures coded = new FlightsFeatures(24);
    long[] keys = new long[FlightsFeatures.PER_ROW];
    int n = coded.features(micros, 1846, "ORD", "LAX", keys);
    java.util.TreeSet<Long> fromSpec = new java.util.TreeSet<>();
    for (String t : texts) {
      fromSpec.add(coded.key(t));
    }
    java.util.TreeSet<Long> handCoded = new java.util.TreeSet<>();
    for (int i = 0; i < n; i++) {
      handCoded.add(keys[i]);
    }
    assertEquals(13, fromSpec.size(), "thirteen distinct keys");
    assertEquals(fromSpec, handCoded, "the spec's thirteen features and the hand-coded ones are the same keys");
    assertTrue(handCoded.contains(coded.key("r=ORD|LAX")) && handCoded.contains(coded.key("rh=ORD|LAX|17"))
        && !handCoded.contains(coded.key("r=ORD-LAX")), "the route as the spec's cross writes it");
  }

  @Test
  void aMissingValueIsLeftOutOrIsItsOwnValueAndANullTextIsNeverABadRecord() throws Exception {
    String section = """
        input: x
        format: csv
        label: "y > 0"
        split: {testFraction: 0.5}
        features:
          - {name: a, column: age, buckets: [18, 30, 65]}
          - {name: c, column: country}
          - {name: ac, cross: [a, c]}
        """;
    Row.Columns columns = Row.Columns.of(List.of("age", "country", "y"));
    LineDecoder csv = new LineDecoder(new PreprocessSpec.Format("csv", true, ',', '"', List.of()),
        List.of("age", "country", "y"));
    Row row = csv.decode("NA,DE,1");
    List<String> skipped = new ArrayList<>();
    new Featurizer(spec(section)).features(row, (t, v) -> skipped.add(t));
    assertEquals(List.of("c=DE"), skipped, "age is missing: no bucket, no cross, no bad record");
    List<String> valued = new ArrayList<>();
    new Featurizer(spec(section + "missing: value\n")).features(row, (t, v) -> valued.add(t));
    assertEquals(List.of("a=", "c=DE", "ac=|DE"), valued);
    // A Parquet null is the same.
    List<String> parquet = new ArrayList<>();
    new Featurizer(spec(section + "missing: value\n")).features(new Row(columns, new Object[] {40L, null, 1L}),
        (t, v) -> parquet.add(t));
    assertEquals(List.of("a=2", "c=", "ac=2|"), parquet);
    assertEquals("missing", assertThrows(dev.psyarn.specs.SpecException.class,
        () -> spec(section + "missing: zero\n")).field().replace("preprocess.", ""));
    assertTrue(assertThrows(dev.psyarn.specs.SpecException.class, () -> spec(section.replace("format: csv",
        "format: {type: parquet, nullValues: [NA]}"))).field().endsWith("nullValues"), "Parquet has nulls of its own");
    assertTrue(assertThrows(dev.psyarn.specs.SpecException.class, () -> spec(section.replace("format: csv",
        "format: {type: text, nullValues: [NA]}"))).getMessage().contains("only CSV fields are read as text"));
  }

  @Test
  void bucketsTokensSparseValuesCrossesAndMissingValues() throws Exception {
    Featurizer f = new Featurizer(spec("""
        input: x
        format: csv
        label: "y > 0"
        split: {testFraction: 0.5}
        features:
          - {name: a, column: age, buckets: [18, 30, 65]}
          - {name: t, column: text, tokens: words, ngrams: 2}
          - {name: at, cross: [a, t]}
          - {name: m, column: missing}
        """));
    Row row = new Row(Row.Columns.of(List.of("age", "text", "missing", "y")),
        new Object[] {"30", "Hello, World", null, "1"});
    List<String> texts = new ArrayList<>();
    f.features(row, (t, v) -> texts.add(t));
    assertEquals(List.of("a=2", "t=hello", "t=world", "t=hello_world", "at=2|hello", "at=2|world", "at=2|hello_world"),
        texts);
    assertThrows(BadRecordException.class, () -> f.features(new Row(row.columns(),
        new Object[] {"old", "x", null, "1"}), (t, v) -> { }));

    Featurizer sparse = new Featurizer(spec("""
        input: x
        format: libsvm
        split: {testFraction: 0.5}
        features: [{name: f, column: features}, {name: ff, cross: [f, f]}]
        """));
    Row svm = new LineDecoder(spec("input: x\nformat: libsvm\nsplit: {testFraction: 0.5}\nfeatures: [{name: f, column: features}]\n")
        .format(), List.of()).decode("+1 4:0.5 9:2");
    List<String> got = new ArrayList<>();
    sparse.features(svm, (t, v) -> got.add(t + "@" + v));
    assertEquals(List.of("f=4@0.5", "f=9@2.0", "ff=4|4@0.25", "ff=4|9@1.0", "ff=9|4@1.0", "ff=9|9@4.0"), got);
    assertEquals(1, sparse.label(svm));
  }

  @Test
  void theBytesOfEveryTextAreItsUtf8AndItsHashIsTheStringsHash() throws Exception {
    Featurizer f = new Featurizer(spec("""
        input: x
        format: parquet
        label: "y > 0"
        split: {testFraction: 0.5}
        features:
          - {name: c, column: city}
          - {name: n, column: n}
          - {name: x, column: x}
          - {name: b, column: flag}
          - {name: t, column: when}
          - {name: yr, column: when, part: year}
          - {name: ct, cross: [c, t]}
          - {name: cn, cross: [c, n, x]}
        """));
    Row.Columns columns = Row.Columns.of(List.of("city", "n", "x", "flag", "when", "y"));
    Object[][] rows = {
        {"Zürich", -42L, 2.5, true, new Row.Timestamp(-1), 1L},
        {"ORD", Long.MIN_VALUE, -0.0, false, new Row.Timestamp(986_000_000_000_000L), 0L},
        {"東京 \uD83D\uDE00", 0L, 1e20, true, new Row.Timestamp(0), 1L},
        {"", 9_007_199_254_740_993L, -3.0, false, new Row.Timestamp(Long.MAX_VALUE), 1L}};
    for (Object[] values : rows) {
      Row row = new Row(columns, values);
      List<String> expected = new ArrayList<>(List.of("c=" + values[0], "n=" + values[1],
          "x=" + Featurizer.text(values[2]), "b=" + values[3], "t=" + ((Row.Timestamp) values[4]).micros(),
          "yr=" + ((Row.Timestamp) values[4]).year()));
      expected.add("ct=" + values[0] + "|" + ((Row.Timestamp) values[4]).micros());
      expected.add("cn=" + values[0] + "|" + values[1] + "|" + Featurizer.text(values[2]));
      List<String> texts = new ArrayList<>();
      List<Long> hashes = new ArrayList<>();
      f.features(row, (Featurizer.BytesSink) (feature, bytes, length, value) -> {
        texts.add(new String(bytes, 0, length, java.nio.charset.StandardCharsets.UTF_8));
        hashes.add(FeatureHash.of(bytes, length));
      });
      assertEquals(expected, texts);
      assertEquals(expected.stream().map(FeatureHash::of).toList(), hashes, "the same keys as the texts' own hashes");
    }
  }

  @Test
  void aBadRecordGivesNoFeatureAtAll() throws Exception {
    Featurizer f = new Featurizer(spec("""
        input: x
        format: csv
        label: "y > 0"
        split: {testFraction: 0.5}
        features:
          - {name: c, column: city}
          - {name: a, column: age, buckets: [18, 30, 65]}
        """));
    Row.Columns columns = Row.Columns.of(List.of("city", "age", "y"));
    List<String> given = new ArrayList<>();
    assertThrows(BadRecordException.class, () -> f.features(new Row(columns, new Object[] {"ORD", "old", "1"}),
        (t, v) -> given.add(t)));
    assertEquals(List.of(), given, "the city came before the bad age, and was not given either");
    f.features(new Row(columns, new Object[] {"ORD", "40", "1"}), (t, v) -> given.add(t));
    assertEquals(List.of("c=ORD", "a=2"), given);
  }

  @Test
  void aFractionSplitIsStableAndNearTheFraction() throws Exception {
    Featurizer f = new Featurizer(spec("""
        input: x
        format: libsvm
        split: {testFraction: 0.2}
        features: [{name: f, column: features}]
        """));
    int test = 0;
    TreeSet<Long> ids = new TreeSet<>();
    for (long id = 0; id < 10_000; id++) {
      boolean t = f.isTest(null, id);
      assertEquals(t, f.isTest(null, id));
      test += t ? 1 : 0;
      ids.add(id);
    }
    assertTrue(test > 1800 && test < 2200, "test rows: " + test);
  }
}
