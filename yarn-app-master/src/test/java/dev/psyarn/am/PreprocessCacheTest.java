package dev.psyarn.am;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.spec.JobSpec;
import dev.psyarn.spec.JobSpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessCacheTest {

  private static JobSpec spec(Path input, String features, int workers) {
    return JobSpecParser.parse("name: t\nroles: {server: {instances: 1}, worker: {instances: " + workers + "}}\n"
        + "preprocess:\n  input: " + input.toUri() + "\n  format: csv\n  label: \"y == 1\"\n  split: {testFraction: 0.5}\n"
        + "  features: [" + features + "]\napp: {type: sparse-lr}\n");
  }

  @Test
  void theKeyFollowsTheSectionTheShardCountAndEveryInputFileAndNothingElse(@TempDir Path dir) throws Exception {
    Configuration conf = new Configuration();
    conf.set(PreprocessCache.DIR, dir.resolve("cache").toUri().toString());
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Files.writeString(data.resolve("part-0.csv"), "a,y\n1,1\n");
    Files.writeString(data.resolve("part-1.csv"), "a,y\n2,0\n");
    String a = "{name: a, column: a}";
    String first = PreprocessCache.entry(conf, spec(data, a, 2)).orElseThrow().getName();
    assertEquals(first, PreprocessCache.entry(conf, spec(data, a, 2)).orElseThrow().getName(), "the same job");
    assertEquals(first, PreprocessCache.entry(conf, JobSpecParser.parse(
        "name: other\nroles: {server: {instances: 3}, worker: {instances: 2}}\n" + "preprocess:\n  input: "
            + data.toUri() + "\n  format: csv\n  label: \"y == 1\"\n  split: {testFraction: 0.5}\n  features: [" + a + "]\napp: {type: sparse-lr}\n"))
        .orElseThrow().getName(), "another name and server count make the same shards");
    assertEquals(first, PreprocessCache.entry(conf, JobSpecParser.parse(
        "name: t\nroles: {server: {instances: 1}, worker: {instances: 2}}\n" + "preprocess:\n  input: "
            + data.toUri() + "\n  format: csv\n  label: \"y == 1\"\n  split: {testFraction: 0.5}\n  features: [" + a
            + "]\n  runIn: cluster\napp: {type: sparse-lr}\n")).orElseThrow().getName(),
        "where the jobs run does not change what they make");
    assertNotEquals(first, PreprocessCache.entry(conf, spec(data, a, 3)).orElseThrow().getName(), "three shards");
    assertNotEquals(first, PreprocessCache.entry(conf, spec(data, "{name: b, column: a}", 2)).orElseThrow().getName(),
        "another section");
    Files.writeString(data.resolve("part-1.csv"), "a,y\n3,0\n");
    Files.setLastModifiedTime(data.resolve("part-1.csv"),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    assertNotEquals(first, PreprocessCache.entry(conf, spec(data, a, 2)).orElseThrow().getName(), "a changed file");
    String changed = PreprocessCache.entry(conf, spec(data, a, 2)).orElseThrow().getName();
    Files.writeString(data.resolve("part-2.csv"), "a,y\n");
    assertNotEquals(changed, PreprocessCache.entry(conf, spec(data, a, 2)).orElseThrow().getName(), "a file added");

    conf.set(PreprocessCache.DIR, "");
    assertTrue(PreprocessCache.entry(conf, spec(data, a, 2)).isEmpty(), "an empty setting turns reuse off");

    // As the AM reads it: the client's configuration staged as XML and loaded again (Hadoop drops an
    // empty value there; the AM then used the default cache in the home directory).
    java.io.ByteArrayOutputStream xml = new java.io.ByteArrayOutputStream();
    dev.psyarn.PsyarnConfig.forStaging(conf).writeXml(xml);
    Configuration am = new Configuration(false);
    am.addResource(new java.io.ByteArrayInputStream(xml.toByteArray()));
    assertTrue(PreprocessCache.entry(am, spec(data, a, 2)).isEmpty(), "still off in the AM: " + am.get(PreprocessCache.DIR));
    java.io.ByteArrayOutputStream plain = new java.io.ByteArrayOutputStream();
    conf.writeXml(plain);
    Configuration lost = new Configuration(false);
    lost.addResource(new java.io.ByteArrayInputStream(plain.toByteArray()));
    assertTrue(lost.get(PreprocessCache.DIR) == null || !lost.get(PreprocessCache.DIR).isEmpty(),
        "why forStaging exists: the empty value does not survive the XML as empty");
  }

  @Test
  void onlyAnEntryWithItsMarkerIsWhole(@TempDir Path dir) throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path entry = new org.apache.hadoop.fs.Path(dir.resolve("entry").toUri());
    fs.mkdirs(entry);
    assertTrue(PreprocessCache.read(fs, entry).isEmpty(), "shards without a marker are not used");
    long before = System.currentTimeMillis() / 1000 * 1000; // file times may be whole seconds
    PreprocessCache.mark(fs, entry, Map.of("trainRows", 5), "application_1700000000000_0007");
    Map<String, Object> kept = PreprocessCache.read(fs, entry).orElseThrow();
    assertEquals(5, kept.get("trainRows"));
    assertEquals("application_1700000000000_0007", kept.get(PreprocessCache.MADE_BY));
    long madeAt = java.time.Instant.parse((String) kept.get(PreprocessCache.MADE_AT)).toEpochMilli();
    assertTrue(madeAt >= before && madeAt <= System.currentTimeMillis(), "made when it was marked: " + kept);
    Files.writeString(dir.resolve("entry").resolve(PreprocessCache.MARKER), "{\"trainRows\": ");
    assertTrue(PreprocessCache.read(fs, entry).isEmpty(), "a marker cut short is no marker");
  }

  @Test
  void anEntryIsMadeUnderItsAttemptsNameAndTheNextAttemptRemovesWhatAnEarlierOneLeft(@TempDir Path dir)
      throws Exception {
    assertEquals("application_1700000000000_0007-2",
        PreprocessStage.attemptTag("container_1700000000000_0007_02_000001"));
    assertEquals("application_1700000000000_0007-1",
        PreprocessStage.attemptTag("container_e17_1700000000000_0007_01_000001"), "with an epoch");
    assertTrue(PreprocessStage.attemptTag(null).matches("[0-9a-f-]{36}"), "outside a container: a random name");
    assertTrue(PreprocessStage.attemptTag("not-a-container").matches("[0-9a-f-]{36}"));

    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path entry = new org.apache.hadoop.fs.Path(dir.toUri().toString(), "abc123");
    String[] names = {
        "abc123.tmp-application_1700000000000_0007-1", // this application's first attempt: removed
        "abc123.tmp-application_1700000000000_0007-2", // this attempt's own: kept
        "abc123.tmp-application_1700000000000_0008-1", // another application's, perhaps running: kept
        "other.tmp-application_1700000000000_0007-1", // another entry's: kept
        "abc123"}; // the whole entry: kept
    for (String n : names) {
      Files.createDirectories(dir.resolve(n).resolve("shards"));
      Files.writeString(dir.resolve(n).resolve("shards").resolve("part-0"), "x");
    }
    PreprocessStage.sweepEarlierAttempts(fs, entry, "application_1700000000000_0007-2");
    assertTrue(Files.notExists(dir.resolve(names[0])), "the earlier attempt's half-made entry is gone");
    for (int i = 1; i < names.length; i++) {
      assertTrue(Files.exists(dir.resolve(names[i]).resolve("shards").resolve("part-0")), names[i] + " is kept");
    }
    PreprocessStage.sweepEarlierAttempts(fs, entry, "0f8fad5b-d9cb-469f-a165-70867728950e"); // no application: nothing
    for (int i = 1; i < names.length; i++) {
      assertTrue(Files.exists(dir.resolve(names[i])), names[i] + " is kept");
    }
    PreprocessStage.sweepEarlierAttempts(fs, new org.apache.hadoop.fs.Path(dir.toUri().toString(), "none/abc123"),
        "application_1700000000000_0007-2"); // no cache directory yet: nothing to do, no error
  }
}
