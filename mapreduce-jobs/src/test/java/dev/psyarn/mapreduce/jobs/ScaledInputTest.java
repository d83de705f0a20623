package dev.psyarn.mapreduce.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScaledInputTest {

  private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message flights {"
      + " optional int64 date (TIMESTAMP(MICROS,false)); optional int64 delay; optional binary origin (UTF8); }");

  @TempDir
  java.nio.file.Path dir;

  private static long micros(LocalDateTime t) {
    return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + 123;
  }

  @Test
  void eachCopyMovesTheTimestampsAYearAndKeepsEveryOtherValue() throws Exception {
    Configuration conf = new Configuration();
    Path in = new Path(dir.resolve("in.parquet").toUri());
    List<LocalDateTime> times = List.of(LocalDateTime.of(2001, 1, 31, 23, 59), LocalDateTime.of(2001, 6, 1, 0, 5),
        LocalDateTime.of(2001, 2, 28, 7, 0));
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(in).withConf(conf).withType(SCHEMA).build()) {
      for (int i = 0; i < times.size(); i++) {
        w.write(groups.newGroup().append("date", micros(times.get(i))).append("delay", (long) i)
            .append("origin", "A" + i));
      }
    }
    Path out = new Path(dir.resolve("x3.parquet").toUri());
    assertEquals(9, ScaledInput.write(conf, in, out, 3, "date"));
    List<Group> read = new ArrayList<>();
    try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), out).withConf(conf).build()) {
      for (Group g = r.read(); g != null; g = r.read()) {
        read.add(g);
      }
    }
    assertEquals(9, read.size());
    for (int copy = 0; copy < 3; copy++) {
      for (int i = 0; i < times.size(); i++) {
        Group g = read.get(copy * times.size() + i);
        assertEquals(micros(times.get(i).plusYears(copy)), g.getLong("date", 0), "copy " + copy + " row " + i);
        assertEquals(i, g.getLong("delay", 0));
        assertEquals("A" + i, g.getString("origin", 0));
      }
    }
    long written = new java.io.File(out.toUri()).lastModified();
    Thread.sleep(1100);
    assertEquals(9, ScaledInput.write(conf, in, out, 3, "date"), "the same file again");
    assertEquals(written, new java.io.File(out.toUri()).lastModified(), "an existing scaled file of the right size is reused");
    assertTrue(new java.io.File(dir.toFile(), "x3.parquet").isFile());

    IllegalArgumentException noColumn = assertThrows(IllegalArgumentException.class,
        () -> ScaledInput.write(conf, in, new Path(dir.resolve("y.parquet").toUri()), 2, "when"));
    assertTrue(noColumn.getMessage().contains("no column \"when\""), noColumn.getMessage());
    IllegalArgumentException notTime = assertThrows(IllegalArgumentException.class,
        () -> ScaledInput.write(conf, in, new Path(dir.resolve("y.parquet").toUri()), 2, "delay"));
    assertTrue(notTime.getMessage().contains("not a 64-bit timestamp"), notTime.getMessage());
  }

  @Test
  void plusYearsKeepsTheSubSecondPartAndWorksBeforeTheEpoch() {
    long t = -1_500_000L; // 1969-12-31T23:59:58.5
    long moved = ScaledInput.plusYears(t, TimeUnit.MICROSECONDS, 1);
    assertEquals(LocalDateTime.of(1970, 12, 31, 23, 59, 58).toEpochSecond(ZoneOffset.UTC) * 1_000_000L + 500_000,
        moved);
  }
}
