package dev.psyarn.mapreduce.preprocess;

import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads Parquet records (the example {@link Group} model) into rows: top-level primitive columns
 * only; timestamps of any unit become {@link Row.Timestamp}s of their wall-clock time.
 */
public final class ParquetRows {

  private interface Reader {
    Object read(Group g, int field);
  }

  private final Row.Columns columns;
  private final Reader[] readers;

  public ParquetRows(GroupType schema) {
    List<String> names = new ArrayList<>();
    List<Reader> list = new ArrayList<>();
    for (Type t : schema.getFields()) {
      names.add(t.getName());
      list.add(t.isPrimitive() && !t.isRepetition(Type.Repetition.REPEATED) ? reader(t.asPrimitiveType())
          : (g, i) -> {
            throw new BadRecordException("column \"" + t.getName() + "\" is nested or repeated; only flat columns are read");
          });
    }
    this.columns = Row.Columns.of(names);
    this.readers = list.toArray(new Reader[0]);
  }

  public Row.Columns columns() {
    return columns;
  }

  public Row row(Group g) {
    Object[] values = new Object[readers.length];
    for (int i = 0; i < readers.length; i++) {
      values[i] = g.getFieldRepetitionCount(i) == 0 ? null : readers[i].read(g, i);
    }
    return new Row(columns, values);
  }

  private static Reader reader(PrimitiveType t) {
    LogicalTypeAnnotation logical = t.getLogicalTypeAnnotation();
    return switch (t.getPrimitiveTypeName()) {
      case INT64 -> {
        if (logical instanceof TimestampLogicalTypeAnnotation ts) {
          long perMicro = ts.getUnit() == TimeUnit.NANOS ? 1000 : 1;
          long microsPer = ts.getUnit() == TimeUnit.MILLIS ? 1000 : 1;
          yield (g, i) -> new Row.Timestamp(Math.floorDiv(g.getLong(i, 0), perMicro) * microsPer);
        }
        yield (g, i) -> g.getLong(i, 0);
      }
      case INT32 -> {
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
          yield (g, i) -> new Row.Timestamp(g.getInteger(i, 0) * 86_400_000_000L);
        }
        yield (g, i) -> (long) g.getInteger(i, 0);
      }
      case DOUBLE -> (g, i) -> g.getDouble(i, 0);
      case FLOAT -> (g, i) -> (double) g.getFloat(i, 0);
      case BOOLEAN -> (g, i) -> g.getBoolean(i, 0);
      case BINARY, FIXED_LEN_BYTE_ARRAY -> (g, i) -> g.getString(i, 0);
      default -> (g, i) -> {
        throw new BadRecordException("column \"" + t.getName() + "\" has type " + t.getPrimitiveTypeName()
            + ", which psyarn does not read (INT96 timestamps: rewrite them as INT64 TIMESTAMP)");
      };
    };
  }
}
