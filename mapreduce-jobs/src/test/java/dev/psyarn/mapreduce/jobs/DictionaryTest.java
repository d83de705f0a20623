package dev.psyarn.mapreduce.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.psyarn.mapreduce.preprocess.FeatureHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DictionaryTest {

  @TempDir Path output;

  private void preprocessed(String encoding, long keySpace, int minCount) throws IOException {
    Files.createDirectories(output.resolve("stats"));
    Files.writeString(output.resolve("stats/part-r-00000"),
        "dom=1\t40\ndom=2\t3\nh=7\t90\nhour=7\t12\no=ORD\t55\nr=ORD|LAX\t8\n");
    Files.writeString(output.resolve("preprocess.json"), "{\"keySpace\":" + keySpace + ",\"encoding\":\"" + encoding
        + "\",\"minCount\":" + minCount + ",\"rowsRead\":100}");
  }

  @Test
  void aFeaturesKeysByItsNameWithHashing() throws IOException {
    preprocessed("hash(20 bits)", 1 << 20, 1);
    long mask = (1 << 20) - 1;
    long[] expected = LongStream.of(FeatureHash.of("dom=1") & mask, FeatureHash.of("dom=2") & mask,
        FeatureHash.of("h=7") & mask).sorted().toArray();
    assertArrayEquals(expected, Dictionary.keysOf(new Configuration(), new org.apache.hadoop.fs.Path(output.toUri()),
        List.of("dom", "h")), "dom's two values and h's one; not hour's, whose name starts the same");
  }

  @Test
  void aDictionarysKeysAreRanksOfTheKeptFeatures() throws IOException {
    preprocessed("dictionary", 5, 5); // dom=2 (count 3) is not kept: the others are ranked 0..4
    assertArrayEquals(new long[] {0}, Dictionary.keysOf(new Configuration(),
        new org.apache.hadoop.fs.Path(output.toUri()), List.of("dom")));
    assertArrayEquals(new long[] {4}, Dictionary.keysOf(new Configuration(),
        new org.apache.hadoop.fs.Path(output.toUri()), List.of("r")));
  }

  @Test
  void aNameWithoutFeaturesOrAnOutputWithoutItsReportIsAClearError() throws IOException {
    preprocessed("hash(20 bits)", 1 << 20, 1);
    IOException unknown = assertThrows(IOException.class, () -> Dictionary.keysOf(new Configuration(),
        new org.apache.hadoop.fs.Path(output.toUri()), List.of("day")));
    assertTrue(unknown.getMessage().contains("no feature named \"day\"")
        && unknown.getMessage().contains("[dom, h, hour, o, r]"), unknown.getMessage());
    Files.delete(output.resolve("preprocess.json"));
    IOException noReport = assertThrows(IOException.class, () -> Dictionary.keysOf(new Configuration(),
        new org.apache.hadoop.fs.Path(output.toUri()), List.of("dom")));
    assertTrue(noReport.getMessage().contains("no preprocessing report"), noReport.getMessage());
  }
}
