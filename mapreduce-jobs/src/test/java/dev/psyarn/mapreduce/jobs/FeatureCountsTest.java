package dev.psyarn.mapreduce.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.mapreduce.preprocess.Featurizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureCountsTest {

  @TempDir
  java.nio.file.Path dir;

  @Test
  void runsOfSeveralTasksMergeIntoSortedSumsAndAreDeleted() throws Exception {
    Configuration conf = new Configuration();
    Path work = new Path(dir.toUri());
    // U+FF21 sorts after the emoji in UTF-16 (its surrogate U+D83D is lower), before it in UTF-8:
    // the output is in UTF-8 byte order, as MapReduce sorts Text (the statistics job's order).
    String wide = "c=\uFF21";
    String emoji = "c=\uD83D\uDE00";
    FeatureCounts a = new FeatureCounts(conf, work, "m-00000", 2); // a run every 2 distinct features
    for (String f : List.of("b=1", "a=1", "b=1", emoji, wide, "a=1", "d=x")) {
      a.add(f);
    }
    a.flush();
    FeatureCounts b = new FeatureCounts(conf, work, "m-00001");
    for (String f : List.of("a=1", wide, "e=1")) {
      b.add(f);
    }
    b.flush();
    b.flush(); // nothing held: no empty run
    long runs;
    try (var files = Files.list(dir)) {
      runs = files.filter(p -> p.getFileName().toString().startsWith(FeatureCounts.RUN_PREFIX)).count();
    }
    assertEquals(5, runs, "task 0 wrote 4 runs (a run every 2 distinct features, and its end), task 1 one");

    java.nio.file.Path out = dir.resolve("stats").resolve("part-r-00000");
    long[] distinctAndKept = FeatureCounts.merge(conf, work, new Path(out.toUri()), 2);
    assertEquals(List.of("a=1\t3", "b=1\t2", wide + "\t2", emoji + "\t1", "d=x\t1", "e=1\t1"),
        Files.readAllLines(out, StandardCharsets.UTF_8));
    assertArrayEquals(new long[] {6, 3}, distinctAndKept, "6 distinct, 3 counted at least twice");
    try (var files = Files.list(dir)) {
      assertEquals(List.of("stats"), files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
          .toList(), "the runs are gone");
    }
  }

  @Test
  void aTextGivenInAReusedBufferIsKeptAsItWasWhenCounted() throws Exception {
    Configuration conf = new Configuration();
    Path work = new Path(dir.toUri());
    FeatureCounts counts = new FeatureCounts(conf, work, "m-00000");
    byte[] buffer = new byte[16];
    for (String f : List.of("o=ORD", "o=LAX", "o=ORD", "r=ORD|LAX", "o=ORD")) {
      byte[] utf8 = f.getBytes(StandardCharsets.UTF_8);
      java.util.Arrays.fill(buffer, (byte) 'z'); // what follows the text is not part of it
      System.arraycopy(utf8, 0, buffer, 0, utf8.length);
      counts.add(f.charAt(0) == 'o' ? 0 : 3, buffer, utf8.length); // the origins in feature 0's table, the route in 3's
    }
    counts.flush();
    java.nio.file.Path out = dir.resolve("stats");
    assertArrayEquals(new long[] {3, 1}, FeatureCounts.merge(conf, work, new Path(out.toUri()), 3));
    assertEquals(List.of("o=LAX\t1", "o=ORD\t3", "r=ORD|LAX\t1"), Files.readAllLines(out, StandardCharsets.UTF_8));
  }

  @Test
  void rowsCountedAsTheirFamiliesTuplesGiveEveryTextsCountAsCountingEachText() throws Exception {
    // Crosses of crosses, a words feature in a cross (a row of two words has no tuple), missing
    // values as their own value: a run written at each 200 distinct texts (a tuple as many as it
    // stands for), so tuples are expanded while rows are still counted.
    String section = """
        input: x
        format: csv
        label: "y > 0"
        split: {testFraction: 0.5}
        missing: value
        features:
          - {name: a, column: a}
          - {name: b, column: b}
          - {name: ab, cross: [a, b]}
          - {name: t, column: text, tokens: words}
          - {name: abt, cross: [ab, t]}
          - {name: bt, cross: [b, t]}
          - {name: c, column: c}
          - {name: ac, cross: [a, c]}
          - {name: alone, column: b}
        """;
    dev.psyarn.mapreduce.preprocess.PreprocessSpec spec = dev.psyarn.mapreduce.preprocess.PreprocessSpec.read(
        dev.psyarn.specs.SpecNode.root(new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(section)));
    Featurizer featurizer = new Featurizer(spec);
    assertEquals(2, featurizer.families(), "a, b, t with ab, abt, bt; then c with ac");
    Configuration conf = new Configuration();
    Path work = new Path(dir.toUri());
    FeatureCounts counts = new FeatureCounts(conf, work, "m-00000", 200, new Featurizer(spec));
    java.util.Map<String, Long> expected = new java.util.TreeMap<>();
    Featurizer independent = new Featurizer(spec);
    dev.psyarn.mapreduce.preprocess.Row.Columns columns =
        dev.psyarn.mapreduce.preprocess.Row.Columns.of(List.of("a", "b", "text", "c", "y"));
    java.util.Random random = new java.util.Random(11);
    String[] words = {"x", "y", "z z", "", "ü"};
    int tupled = 0;
    for (int r = 0; r < 5_000; r++) {
      Object[] values = {random.nextInt(10) == 0 ? null : "a" + random.nextInt(4),
          random.nextInt(10) == 0 ? null : "b" + random.nextInt(30), words[random.nextInt(words.length)],
          random.nextInt(5) == 0 ? null : "c|" + random.nextInt(3), "1"};
      dev.psyarn.mapreduce.preprocess.Row row = new dev.psyarn.mapreduce.preprocess.Row(columns, values);
      independent.features(row, (text, value) -> expected.merge(text, 1L, Long::sum));
      featurizer.read(row);
      tupled += featurizer.tuple(0) >= 0 ? 1 : 0;
      counts.addTuples(featurizer);
      featurizer.emit((feature, text, length, value) -> {
        try {
          counts.add(feature, text, length);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
    counts.flush();
    assertTrue(tupled > 2_000 && tupled < 4_000, "rows of one word or none (the empty text), and rows of two: " + tupled);
    java.nio.file.Path out = dir.resolve("stats");
    long[] distinctAndKept = FeatureCounts.merge(conf, work, new Path(out.toUri()), 1);
    java.util.Map<String, Long> counted = new java.util.TreeMap<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      int tab = line.lastIndexOf('\t');
      counted.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
    }
    assertEquals(expected, counted);
    assertEquals(expected.size(), distinctAndKept[0]);
  }

  @Test
  void aNewTupleWeighsAsManyTextsAsItStandsForBeforeARunIsWritten() throws Exception {
    dev.psyarn.mapreduce.preprocess.PreprocessSpec spec = dev.psyarn.mapreduce.preprocess.PreprocessSpec.read(
        dev.psyarn.specs.SpecNode.root(new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree("""
                input: x
                format: csv
                label: "label > 0"
                split: {testFraction: 0.5}
                features: [{name: a, column: a}, {name: b, column: b}, {name: ab, cross: [a, b]}]
                """)));
    Featurizer row = new Featurizer(spec);
    assertEquals(3, row.familySize(0));
    FeatureCounts counts = new FeatureCounts(new Configuration(), new Path(dir.toUri()), "m-00000", 3,
        new Featurizer(spec));
    dev.psyarn.mapreduce.preprocess.Row.Columns columns =
        dev.psyarn.mapreduce.preprocess.Row.Columns.of(List.of("a", "b", "label"));
    row.read(new dev.psyarn.mapreduce.preprocess.Row(columns, new Object[] {"x", "y", "1"}));
    counts.addTuples(row);
    try (var files = Files.list(dir)) {
      assertEquals(List.of(FeatureCounts.RUN_PREFIX + "m-00000-000"), files.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".")).toList(), "one new tuple of 3 texts, a run at 3");
    }
    assertEquals(List.of("a=x\t1", "ab=x|y\t1", "b=y\t1"),
        Files.readAllLines(dir.resolve(FeatureCounts.RUN_PREFIX + "m-00000-000"), StandardCharsets.UTF_8));
  }

  @Test
  void aRunsLinesAreSplitAtTheirLastTabAndItsLastLineNeedsNoNewline() throws Exception {
    Configuration conf = new Configuration();
    // A text may hold a tab (a CSV value); its count is after the line's last one.
    Files.write(dir.resolve(FeatureCounts.RUN_PREFIX + "m-00000-000"), "a=x\ty\t2\nb=1\t5\n".getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve(FeatureCounts.RUN_PREFIX + "m-00001-000"), "a=x\ty\t3\nb=1\t1".getBytes(StandardCharsets.UTF_8));
    java.nio.file.Path out = dir.resolve("stats");
    assertArrayEquals(new long[] {2, 1}, FeatureCounts.merge(conf, new Path(dir.toUri()), new Path(out.toUri()), 6));
    assertEquals(List.of("a=x\ty\t5", "b=1\t6"), Files.readAllLines(out, StandardCharsets.UTF_8));
  }

  @Test
  void aDamagedRunIsNamedWithItsLineAndNothingIsDeleted() throws Exception {
    Configuration conf = new Configuration();
    java.nio.file.Path good = dir.resolve(FeatureCounts.RUN_PREFIX + "m-00000-000");
    java.nio.file.Path bad = dir.resolve(FeatureCounts.RUN_PREFIX + "m-00001-000");
    Files.write(good, "a=1\t2\n".getBytes(StandardCharsets.UTF_8));
    for (String line : List.of("a=1\t2\nb=1\n", "a=1\t2\nb=1\t\n", "a=1\t2\nb=1\t7x\n", "a=1\t2\nb=1\t99999999999999999999\n")) {
      Files.write(bad, line.getBytes(StandardCharsets.UTF_8));
      java.io.IOException e = assertThrows(java.io.IOException.class, () -> FeatureCounts.merge(conf,
          new Path(dir.toUri()), new Path(dir.resolve("stats").toUri()), 1), line);
      assertTrue(e.getMessage().contains(bad.getFileName() + " line 2: ") && e.getMessage().contains("\"b=1"),
          e.getMessage());
      assertTrue(Files.exists(good) && Files.exists(bad), "the runs stay for a look");
      Files.delete(dir.resolve("stats"));
    }
  }

  @Test
  void noRunsMergeIntoAnEmptyFile() throws Exception {
    Configuration conf = new Configuration();
    java.nio.file.Path out = dir.resolve("part-r-00000");
    assertArrayEquals(new long[] {0, 0}, FeatureCounts.merge(conf, new Path(dir.toUri()), new Path(out.toUri()), 1));
    assertEquals(0, Files.size(out));
  }

  @Test
  void aTableCountsEveryTextThroughCollisionsAndGrowthAndDrainsEmpty() {
    CountTable table = new CountTable();
    java.util.Map<String, Long> expected = new java.util.HashMap<>();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 20_000; i++) {
      // 3,000 values, skewed (as a feature's are), through every size the table grows to; home
      // slots collide at each of them.
      String value = "v=" + (int) (3_000 * Math.pow(random.nextDouble(), 3));
      byte[] text = value.getBytes(StandardCharsets.UTF_8);
      boolean isNew = expected.merge(value, 1L, Long::sum) == 1L;
      assertEquals(isNew, add(table, text), "new only the first time: " + value);
    }
    assertEquals(expected.size(), table.size());
    assertEquals(expected, drain(table));
    assertEquals(0, table.size());
    assertEquals(true, add(table, "v=1".getBytes(StandardCharsets.UTF_8)), "a drained table counts from nothing");
  }

  @Test
  void aCountPastItsSlotsTwentyFourBitsCarriesThroughGrowthAndDrain() {
    CountTable table = new CountTable();
    byte[] often = "w=3".getBytes(StandardCharsets.UTF_8);
    long times = (1L << 24) + 5;
    for (long i = 0; i < times; i++) {
      add(table, often);
    }
    // Growth after the carry moves it with its slot.
    for (int i = 0; i < 1_000; i++) {
      add(table, ("w=x" + i).getBytes(StandardCharsets.UTF_8));
    }
    for (long i = 0; i < (1L << 24); i++) {
      add(table, often);
    }
    java.util.Map<String, Long> drained = drain(table);
    assertEquals(1_001, drained.size());
    assertEquals(times + (1L << 24), drained.get("w=3"));
    assertEquals(1L, drained.get("w=x999"));
  }

  @Test
  void countsAddedManyAtOnceCarryPastTwentyFourBitsAsOneAtATimeDo() {
    CountTable table = new CountTable();
    byte[] text = "rh=ORD|LAX|13".getBytes(StandardCharsets.UTF_8);
    long fingerprint = FeatureCounts.fingerprint(text, text.length);
    long count = (1L << 24) - 2;
    assertTrue(table.add(fingerprint, text, text.length, count), "new");
    assertEquals(false, table.add(fingerprint, text, text.length, 1), "one short of 2^24 - 1");
    assertEquals(false, table.add(fingerprint, text, text.length, 3), "past it: carried");
    assertEquals(false, add(table, text));
    count += 1 + 3 + 1;
    byte[] big = "o=ORD".getBytes(StandardCharsets.UTF_8);
    table.add(FeatureCounts.fingerprint(big, big.length), big, big.length, 5L << 30); // new and past 24 bits at once
    for (int i = 0; i < 100; i++) {
      add(table, ("x=" + i).getBytes(StandardCharsets.UTF_8)); // and moved as the table grows
    }
    java.util.Map<String, Long> drained = drain(table);
    assertEquals(count, drained.get("rh=ORD|LAX|13"));
    assertEquals(5L << 30, drained.get("o=ORD"));
    assertEquals(102, drained.size());
  }

  private static boolean add(CountTable table, byte[] text) {
    return table.add(FeatureCounts.fingerprint(text, text.length), text, text.length);
  }

  private static java.util.Map<String, Long> drain(CountTable table) {
    java.util.Map<String, Long> drained = new java.util.HashMap<>();
    table.drain((text, count) -> drained.put(new String(text, StandardCharsets.UTF_8), count));
    return drained;
  }

  @Test
  void aShortTextsFingerprintIsItsBytesAndLengthWhereverItsBufferEnds() {
    java.util.Map<Long, String> seen = new java.util.HashMap<>();
    java.util.List<String> texts = new java.util.ArrayList<>(List.of("", "a", "a\0", "\0", "\0\0", "o=ORD", "o=ORE",
        "12345678", "12345678\0", "123456789", "rh=ORD|LAX|13", "rh=ORD|LAX|14", "15 bytes, exact",
        "16 bytes, exactly", "a text of many more than sixteen bytes", "c=\uFF21", "c=\uD83D\uDE00"));
    for (int i = 0; i < 2_000; i++) {
      texts.add("rh=" + i); // ones that differ in one or two bytes only
      texts.add("x" + i + "|" + (i * 7));
    }
    for (String text : texts) {
      byte[] exact = text.getBytes(StandardCharsets.UTF_8);
      // The same bytes in a larger buffer whose rest is not zero (the featurizer's reused buffer).
      byte[] padded = new byte[exact.length + 24];
      java.util.Arrays.fill(padded, (byte) 0x5a);
      System.arraycopy(exact, 0, padded, 0, exact.length);
      long fingerprint = FeatureCounts.fingerprint(exact, exact.length);
      assertEquals(fingerprint, FeatureCounts.fingerprint(padded, exact.length), "the same text in a larger buffer: " + text);
      String other = seen.put(fingerprint, text);
      assertEquals(null, other, "two texts share a fingerprint: \"" + other + "\" and \"" + text + "\"");
    }
  }
}
