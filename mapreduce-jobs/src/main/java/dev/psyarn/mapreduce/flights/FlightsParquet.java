package dev.psyarn.mapreduce.flights;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReadStoreImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Reads the flights Parquet file (any Hadoop file system) row by row, column by column within each
 * row group (Parquet's column readers: no record object a row).
 */
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
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
      ColumnDescriptor[] columns = new ColumnDescriptor[COLUMNS.length];
      for (int c = 0; c < COLUMNS.length; c++) {
        if (!schema.containsPath(new String[] {COLUMNS[c]})) {
          throw new IOException(file + ": no column '" + COLUMNS[c] + "': not a flights file (date, delay, distance, "
              + "origin, destination)");
        }
        columns[c] = schema.getColumnDescription(new String[] {COLUMNS[c]});
      }
      for (PageReadStore group = reader.readNextRowGroup(); group != null; group = reader.readNextRowGroup()) {
        ColumnReadStoreImpl store = new ColumnReadStoreImpl(group, new GroupRecordConverter(schema).getRootConverter(),
            schema, createdBy);
        ColumnReader[] in = new ColumnReader[COLUMNS.length];
        // An airport's name is decoded once: its dictionary value (or bytes) gives the same String
        // every row, where decoding made one a row (a quarter of the reading).
        Map<Binary, String> origins = new HashMap<>();
        Map<Binary, String> destinations = new HashMap<>();
        for (int c = 0; c < COLUMNS.length; c++) {
          in[c] = store.getColumnReader(columns[c]);
        }
        for (long r = 0; r < group.getRowCount(); r++, row++) {
          try {
            long micros = present(in[0], columns[0]).getLong();
            int delay = integer(present(in[1], columns[1]), columns[1]);
            int distance = integer(present(in[2], columns[2]), columns[2]);
            String origin = text(present(in[3], columns[3]).getBinary(), origins);
            String destination = text(present(in[4], columns[4]).getBinary(), destinations);
            for (ColumnReader c : in) {
              c.consume();
            }
            consumer.accept(row, micros, delay, distance, origin, destination);
          } catch (RuntimeException e) {
            throw new IOException(file + ": row " + row + " is not a flight (date, delay, distance, origin, "
                + "destination): " + e.getMessage(), e);
          }
        }
      }
    }
    return row;
  }

  private static final String[] COLUMNS = {"date", "delay", "distance", "origin", "destination"};

  /** The value's text, decoded the first time those bytes are seen. */
  private static String text(Binary value, Map<Binary, String> seen) {
    String text = seen.get(value);
    if (text == null) {
      text = value.toStringUsingUTF8();
      seen.put(value.copy(), text); // a key of its own: a page's bytes may be reused
    }
    return text;
  }

  /** The reader, positioned on a value (a null is not a flight). */
  private static ColumnReader present(ColumnReader reader, ColumnDescriptor column) {
    if (reader.getCurrentDefinitionLevel() < column.getMaxDefinitionLevel()) {
      throw new IllegalArgumentException("no value in column '" + column.getPath()[0] + "'");
    }
    return reader;
  }

  /** An integer column stored as INT32 or INT64 (this file has INT64). */
  private static int integer(ColumnReader reader, ColumnDescriptor column) {
    return column.getPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.INT64
        ? Math.toIntExact(reader.getLong()) : reader.getInteger();
  }
}
