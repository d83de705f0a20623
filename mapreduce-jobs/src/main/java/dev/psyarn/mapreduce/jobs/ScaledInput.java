package dev.psyarn.mapreduce.jobs;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * A larger input for measuring the preprocessing stage at scale: {@code copies} copies of a
 * Parquet file's rows in one file, copy {@code c} with its timestamp column moved {@code c} years
 * later. Months, days and hours stay, so a split by month (the flights task's January–May against
 * June) holds in every copy; weekdays move as the calendar does. Written in row groups of
 * {@link #ROW_GROUP_BYTES}, so that the file splits into many map tasks.
 */
public final class ScaledInput {

  /** Row groups of the written file (Parquet's input splits end at row groups). */
  static final int ROW_GROUP_BYTES = 8 << 20;

  private ScaledInput() {}

  /**
   * Writes the scaled file to {@code out} unless a file of the same row count is already there
   * (the scaled input of an earlier run); returns its rows.
   */
  public static long write(Configuration conf, Path in, Path out, int copies, String timeColumn) throws IOException {
    if (copies < 1) {
      throw new IllegalArgumentException("--scale must be 1 or more, got " + copies);
    }
    MessageType schema;
    long rows;
    CompressionCodecName codec;
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(in, conf))) {
      schema = reader.getFooter().getFileMetaData().getSchema();
      rows = reader.getRecordCount();
      codec = reader.getRowGroups().isEmpty() ? CompressionCodecName.SNAPPY
          : reader.getRowGroups().get(0).getColumns().get(0).getCodec();
    }
    long wanted = rows * copies;
    FileSystem fs = out.getFileSystem(conf);
    if (fs.exists(out)) {
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(out, conf))) {
        if (reader.getRecordCount() == wanted) {
          return wanted;
        }
      }
      fs.delete(out, false);
    }
    int column = timeColumnIndex(schema, timeColumn);
    TimeUnit unit = unitOf(schema.getType(column));
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    Path partial = new Path(out.getParent(), "." + out.getName() + ".partial");
    fs.delete(partial, false);
    try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(partial).withConf(conf).withType(schema)
        .withCompressionCodec(codec).withRowGroupSize(ROW_GROUP_BYTES).build()) {
      for (int copy = 0; copy < copies; copy++) {
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), in).withConf(conf).build()) {
          for (Group g = reader.read(); g != null; g = reader.read()) {
            writer.write(copy == 0 ? g : shifted(groups, schema, g, column, unit, copy));
          }
        }
      }
    }
    if (!fs.rename(partial, out)) {
      throw new IOException("could not rename " + partial + " to " + out);
    }
    return wanted;
  }

  private static Group shifted(SimpleGroupFactory groups, MessageType schema, Group g, int column, TimeUnit unit,
      int years) {
    Group copy = groups.newGroup();
    for (int f = 0; f < schema.getFieldCount(); f++) {
      for (int i = 0; i < g.getFieldRepetitionCount(f); i++) {
        if (f == column) {
          copy.add(f, plusYears(g.getLong(f, i), unit, years));
        } else {
          copyValue(schema.getType(f), g, copy, f, i);
        }
      }
    }
    return copy;
  }

  private static void copyValue(Type type, Group from, Group to, int f, int i) {
    if (!type.isPrimitive()) {
      throw new IllegalArgumentException("column \"" + type.getName() + "\" is nested; the scaled input copies flat "
          + "rows only");
    }
    switch (type.asPrimitiveType().getPrimitiveTypeName()) {
      case INT64 -> to.add(f, from.getLong(f, i));
      case INT32 -> to.add(f, from.getInteger(f, i));
      case BOOLEAN -> to.add(f, from.getBoolean(f, i));
      case FLOAT -> to.add(f, from.getFloat(f, i));
      case DOUBLE -> to.add(f, from.getDouble(f, i));
      case INT96 -> to.add(f, from.getInt96(f, i));
      case BINARY, FIXED_LEN_BYTE_ARRAY -> to.add(f, from.getBinary(f, i));
    }
  }

  /** {@code t} ({@code unit} since the epoch, UTC) moved {@code years} calendar years later. */
  static long plusYears(long t, TimeUnit unit, int years) {
    long perSecond = unit.convert(1, TimeUnit.SECONDS);
    long seconds = Math.floorDiv(t, perSecond);
    long rest = Math.floorMod(t, perSecond);
    LocalDateTime moved = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC).plusYears(years);
    return moved.toEpochSecond(ZoneOffset.UTC) * perSecond + rest;
  }

  private static int timeColumnIndex(MessageType schema, String name) {
    if (!schema.containsField(name)) {
      throw new IllegalArgumentException("the input has no column \"" + name + "\" to move by a year a copy; its "
          + "columns: " + schema.getFields().stream().map(Type::getName).toList());
    }
    return schema.getFieldIndex(name);
  }

  private static TimeUnit unitOf(Type type) {
    if (type.isPrimitive() && type.asPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT64
        && type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts) {
      return switch (ts.getUnit()) {
        case MILLIS -> TimeUnit.MILLISECONDS;
        case MICROS -> TimeUnit.MICROSECONDS;
        case NANOS -> TimeUnit.NANOSECONDS;
      };
    }
    throw new IllegalArgumentException("column \"" + type.getName() + "\" is not a 64-bit timestamp: " + type);
  }
}
