package dev.psyarn.mapreduce.flights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The column-by-column reader against rows written with Parquet's own example writer. */
class FlightsParquetTest {

  @TempDir java.nio.file.Path dir;

  private static final MessageType FLIGHTS = MessageTypeParser.parseMessageType("message flights {"
      + " optional int64 date (TIMESTAMP(MICROS,false)); optional int64 delay; optional int64 distance;"
      + " optional binary origin (STRING); optional binary destination (STRING); }");

  private Path write(String name, int rows, int nullAt, int rowGroupBytes) throws IOException {
    Path file = new Path(dir.resolve(name).toUri());
    Configuration conf = new Configuration(false);
    SimpleGroupFactory groups = new SimpleGroupFactory(FLIGHTS);
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(file).withConf(conf).withType(FLIGHTS)
        .withRowGroupSize(rowGroupBytes).withPageSize(1024).build()) {
      for (int i = 0; i < rows; i++) {
        Group g = groups.newGroup().append("date", 978_307_200_000_000L + i * 60_000_000L)
            .append("delay", (long) (i % 50 - 10)).append("distance", (long) (100 + i));
        if (i != nullAt) {
          g.append("origin", "A" + (i % 7));
        }
        g.append("destination", "B" + (i % 11));
        writer.write(g);
      }
    }
    return file;
  }

  @Test
  void everyRowInFileOrderAcrossRowGroups() throws IOException {
    int rows = 20_000;
    Path file = write("flights.parquet", rows, -1, 64 * 1024); // small row groups: several of them
    List<String> seen = new ArrayList<>();
    long read = FlightsParquet.read(new Configuration(false), file, (row, micros, delay, distance, origin, destination)
        -> seen.add(row + " " + micros + " " + delay + " " + distance + " " + origin + " " + destination));
    assertEquals(rows, read);
    assertEquals(rows, seen.size());
    for (int i : new int[] {0, 1, 4_999, 12_345, rows - 1}) {
      assertEquals(i + " " + (978_307_200_000_000L + i * 60_000_000L) + " " + (i % 50 - 10) + " " + (100 + i) + " A"
          + (i % 7) + " B" + (i % 11), seen.get(i));
    }
  }

  @Test
  void aMissingValueOrAFileOfAnotherKindIsNamed() throws IOException {
    Path holed = write("holed.parquet", 100, 42, 1 << 20);
    IOException e = assertThrows(IOException.class, () -> FlightsParquet.read(new Configuration(false), holed,
        (row, micros, delay, distance, origin, destination) -> { }));
    assertTrue(e.getMessage().contains("row 42 is not a flight") && e.getMessage().contains("'origin'"),
        e.getMessage());

    Path other = new Path(dir.resolve("other.parquet").toUri());
    MessageType schema = MessageTypeParser.parseMessageType("message other { required int32 x; }");
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(other).withConf(new Configuration(false))
        .withType(schema).build()) {
      writer.write(new SimpleGroupFactory(schema).newGroup().append("x", 1));
    }
    IOException wrong = assertThrows(IOException.class, () -> FlightsParquet.read(new Configuration(false), other,
        (row, micros, delay, distance, origin, destination) -> { }));
    assertTrue(wrong.getMessage().contains("no column 'date'"), wrong.getMessage());
  }
}
