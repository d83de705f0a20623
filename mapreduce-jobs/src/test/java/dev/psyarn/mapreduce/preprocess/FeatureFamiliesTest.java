package dev.psyarn.mapreduce.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureFamiliesTest {

  @Test
  void theFlightsFeaturesMakeTwoFamiliesTheRouteByHoursSevenAndHourByWeekdaysTwo() throws Exception {
    PreprocessSpec spec = FeaturizerTest.flights();
    Featurizer f = new Featurizer(spec);
    Map<String, Integer> familyOf = new LinkedHashMap<>();
    for (int i = 0; i < spec.features().size(); i++) {
      familyOf.put(spec.features().get(i).name(), f.family(i));
    }
    assertEquals(2, f.families());
    assertEquals(Map.ofEntries(Map.entry("o", 0), Map.entry("d", 0), Map.entry("r", 0), Map.entry("h", 0),
        Map.entry("w", 1), Map.entry("dom", -1), Map.entry("db", -1), Map.entry("oh", 0), Map.entry("dh", 0),
        Map.entry("rh", 0), Map.entry("hw", 1), Map.entry("ow", -1), Map.entry("dw", -1)), familyOf);
  }

  @Test
  void aTupleExpandsToItsFamilysTextsAsTheRowGaveThem() throws Exception {
    Featurizer f = new Featurizer(FeaturizerTest.flights());
    Row.Columns columns = Row.Columns.of(List.of("date", "delay", "distance", "origin", "destination"));
    long micros = Row.Timestamp.parse("2001-03-14T17:05").micros(); // a Wednesday
    f.read(new Row(columns, new Object[] {new Row.Timestamp(micros), 22L, 1846L, "ORD", "LAX"}));
    List<String> given = new ArrayList<>();
    List<Integer> features = new ArrayList<>();
    f.emit((feature, text, length, value) -> {
      given.add(new String(text, 0, length, java.nio.charset.StandardCharsets.UTF_8));
      features.add(feature);
    });
    Featurizer other = new Featurizer(FeaturizerTest.flights());
    for (int family = 0; family < 2; family++) {
      int length = f.tuple(family);
      byte[] key = java.util.Arrays.copyOf(f.tupleBytes(), length);
      List<String> expanded = new ArrayList<>();
      other.expand(family, key, length, (feature, text, n, value) -> {
        assertEquals(1f, value);
        expanded.add(feature + ":" + new String(text, 0, n, java.nio.charset.StandardCharsets.UTF_8));
      });
      List<String> expected = new ArrayList<>();
      for (int k = 0; k < given.size(); k++) {
        if (f.family(features.get(k)) == family) {
          expected.add(features.get(k) + ":" + given.get(k));
        }
      }
      assertEquals(expected, expanded, "family " + family);
    }
    assertEquals("\3ORD\3LAX\00217", new String(f.tupleBytes(), 0, f.tuple(0), java.nio.charset.StandardCharsets.UTF_8),
        "each base's length and value, as declared: origin, destination, hour");
    byte[] wrong = "\3ORD\3LAX\00217".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThrows(IllegalArgumentException.class, () -> other.expand(0, wrong, wrong.length + 1, (a, b, c, d) -> { }));
  }

  @Test
  void aRowWithABaseMissingOrOfManyValuesHasNoTuple() throws Exception {
    String section = """
        input: x
        format: csv
        label: "y > 0"
        split: {testFraction: 0.5}
        features:
          - {name: c, column: city}
          - {name: t, column: text, tokens: words}
          - {name: ct, cross: [c, t]}
          - {name: n, column: n}
        """;
    Row.Columns columns = Row.Columns.of(List.of("city", "text", "n", "y"));
    Featurizer f = new Featurizer(FeaturizerTest.spec(section));
    assertEquals(1, f.families());
    assertEquals(-1, f.family(3), "n is crossed with nothing");
    f.read(new Row(columns, new Object[] {"Paris", "hello", "1", "1"}));
    assertEquals(1 + 5 + 1 + 5, f.tuple(0));
    f.read(new Row(columns, new Object[] {"Paris", "hello world", "1", "1"}));
    assertEquals(-1, f.tuple(0), "two words: two values of t");
    f.read(new Row(columns, new Object[] {null, "hello", "1", "1"}));
    assertEquals(-1, f.tuple(0), "no city");
    Featurizer valued = new Featurizer(FeaturizerTest.spec(section + "missing: value\n"));
    valued.read(new Row(columns, new Object[] {null, "hello", "1", "1"}));
    assertEquals(1 + 1 + 5, valued.tuple(0), "a missing value as the value c=, of no bytes");
    List<String> expanded = new ArrayList<>();
    new Featurizer(FeaturizerTest.spec(section + "missing: value\n")).expand(0, valued.tupleBytes(), valued.tuple(0),
        (feature, text, n, value) -> expanded.add(new String(text, 0, n, java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals(List.of("c=", "t=hello", "ct=|hello"), expanded);
    assertTrue(new Featurizer(FeaturizerTest.spec(section.replace("  - {name: ct, cross: [c, t]}\n", "")))
        .families() == 0, "no cross, no family");
  }
}
