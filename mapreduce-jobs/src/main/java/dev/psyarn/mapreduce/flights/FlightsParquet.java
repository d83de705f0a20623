package dev.psyarn.mapreduce.flights;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/** Reads the flights Parquet file (any Hadoop file system) row by row. */
public final class FlightsParquet {

  /** One flight as the file has it. */
  @FunctionalInterface
  public interface RowConsumer {
    void accept(long row, long timestampMicros, int delay, int distance, String origin, String destination)
        throws IOException;
  }

  private FlightsParquet() {}

  /** Feeds every row to {@code consumer}, in file order; returns the number of rows. */
  public static long read(Configuration conf, Path file, RowConsumer consumer) throws IOException {
    long row = 0;
    try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
      for (Group g = reader.read(); g != null; g = reader.read()) {
        try {
          consumer.accept(row, g.getLong("date", 0), integer(g, "delay"), integer(g, "distance"),
              g.getString("origin", 0), g.getString("destination", 0));
        } catch (RuntimeException e) {
          throw new IOException(file + ": row " + row + " is not a flight (date, delay, distance, origin, "
              + "destination): " + e.getMessage(), e);
        }
        row++;
      }
    }
    return row;
  }

  /** An integer column stored as INT32 or INT64 (this file has INT64). */
  private static int integer(Group g, String field) {
    PrimitiveTypeName type = g.getType().getType(field).asPrimitiveType().getPrimitiveTypeName();
    return type == PrimitiveTypeName.INT64 ? Math.toIntExact(g.getLong(field, 0)) : g.getInteger(field, 0);
  }
}
