package dev.psyarn.mapreduce.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet records read as rows, against files written with Parquet's own example writer. */
class RowReadSupportTest {

  @TempDir java.nio.file.Path dir;

  private static final MessageType SCHEMA = MessageTypeParser.parseMessageType("message t {"
      + " optional int64 micros (TIMESTAMP(MICROS,false)); optional int64 millis (TIMESTAMP(MILLIS,true));"
      + " optional int64 nanos (TIMESTAMP(NANOS,false)); optional int32 day (DATE); optional int32 small;"
      + " optional int64 big; optional double x; optional float f; optional boolean b; optional binary s (STRING);"
      + " optional group nested { optional int32 inner; } repeated int32 many; }");

  private List<Object> writeAndRead(boolean dictionary, int rows, String columns) throws IOException {
    Path file = new Path(dir.resolve("t-" + dictionary + "-" + columns + ".parquet").toUri());
    SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(file).withType(SCHEMA).withDictionaryEncoding(dictionary)
        .build()) {
      for (int i = 0; i < rows; i++) {
        Group g = groups.newGroup();
        if (i % 3 != 2) { // every third row: everything missing
          g.append("micros", -1L).append("millis", 1_500L).append("nanos", 2_999L).append("day", 1)
              .append("small", i % 4).append("big", 5_000_000_000L + i % 2).append("x", 2.5).append("f", 0.5f)
              .append("b", i % 2 == 0).append("s", i % 2 == 0 ? "Zürich" : "ORD");
        }
        if (i == 4) {
          g.addGroup("nested").append("inner", 1);
        }
        if (i == 7) {
          g.append("many", 1).append("many", 2);
        }
        w.write(g);
      }
    }
    Configuration conf = new Configuration();
    if (columns != null) {
      conf.set(RowReadSupport.COLUMNS, columns);
    }
    List<Object> out = new ArrayList<>();
    try (ParquetReader<Object> r = ParquetReader.builder(new RowReadSupport(), file).withConf(conf).build()) {
      for (Object o = r.read(); o != null; o = r.read()) {
        out.add(o);
      }
    }
    return out;
  }

  @Test
  void everyTypeReadsAsTheRowHoldsItWithOrWithoutADictionary() throws IOException {
    for (boolean dictionary : new boolean[] {true, false}) {
      List<Object> records = writeAndRead(dictionary, 9, null);
      assertEquals(9, records.size());
      Row first = (Row) records.get(0);
      assertEquals(List.of("micros", "millis", "nanos", "day", "small", "big", "x", "f", "b", "s", "nested", "many"),
          first.columns().names());
      assertEquals(new Row.Timestamp(-1), first.get("micros"));
      assertEquals(new Row.Timestamp(1_500_000), first.get("millis"));
      assertEquals(new Row.Timestamp(2), first.get("nanos"), "nanoseconds floor to microseconds");
      assertEquals(new Row.Timestamp(86_400_000_000L), first.get("day"));
      assertEquals(0L, first.get("small"));
      assertEquals(5_000_000_000L, first.get("big"));
      assertEquals(2.5, first.get("x"));
      assertEquals(0.5, first.get("f"));
      assertEquals(true, first.get("b"));
      assertEquals("Zürich", first.get("s"));
      assertNull(first.get("nested"));
      assertNull(first.get("many"), "a repeated column without a value is missing, not a bad record");
      Row second = (Row) records.get(1);
      assertEquals("ORD", second.get("s"));
      assertEquals(1L, second.get("small"));
      assertEquals(5_000_000_001L, second.get("big"));
      Row empty = (Row) records.get(2);
      for (Object v : empty.values()) {
        assertNull(v, "every value of the third row is missing");
      }
      assertTrue(first.toString().startsWith("{micros=Timestamp[micros=-1], millis=Timestamp[micros=1500000], "),
          first.toString());
      assertTrue(assertInstanceOf(RowReadSupport.Unreadable.class, records.get(4)).why()
          .contains("column \"nested\" is nested or repeated"));
      assertTrue(assertInstanceOf(RowReadSupport.Unreadable.class, records.get(7)).why()
          .contains("column \"many\" is nested or repeated"));
      if (dictionary) {
        assertSame(((Row) records.get(0)).get("s"), ((Row) records.get(6)).get("s"),
            "a dictionary entry's string is decoded once");
      }
    }
  }

  @Test
  void onlyTheListedColumnsAreReadAndAnUnreadColumnBreaksNoRow() throws IOException {
    List<Object> records = writeAndRead(true, 9, "s,big");
    Row row = assertInstanceOf(Row.class, records.get(4), "the nested column is not read");
    assertEquals(List.of("big", "s"), row.columns().names(), "in the file's order");
    assertEquals("Zürich", row.get("s"));
    assertInstanceOf(Row.class, records.get(7));
  }
}
