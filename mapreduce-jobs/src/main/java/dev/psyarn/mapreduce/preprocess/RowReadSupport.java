package dev.psyarn.mapreduce.preprocess;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads Parquet records straight into {@link Row}s, through Parquet's converters (no group of the
 * example model in between): top-level primitive columns; timestamps of any unit become
 * {@link Row.Timestamp}s of their wall-clock time. A column chunk written with a dictionary (most
 * are: origins, dates, distances) makes each of its values once, a string decoded or a number boxed,
 * not once a row. Only the columns listed in {@link #COLUMNS} are read, when it is set.
 *
 * <p>A nested or repeated column with a value, or a column of a type psyarn does not read (INT96),
 * makes its record {@link Unreadable}: a bad record, with the reason.
 */
public final class RowReadSupport extends ReadSupport<Object> {

  /** The columns to read (the spec's), comma-separated; every column when unset. */
  public static final String COLUMNS = "psyarn.preprocess.read-columns";

  /** A record that cannot be a row, and why. */
  public record Unreadable(String why) {}

  @Override
  public ReadContext init(InitContext context) {
    MessageType schema = context.getFileSchema();
    String[] wanted = context.getConfiguration().getStrings(COLUMNS);
    if (wanted == null) {
      return new ReadContext(schema);
    }
    Set<String> read = Set.of(wanted);
    List<Type> fields = new ArrayList<>();
    for (Type t : schema.getFields()) {
      if (read.contains(t.getName())) {
        fields.add(t);
      }
    }
    return new ReadContext(new MessageType(schema.getName(), fields));
  }

  @Override
  public RecordMaterializer<Object> prepareForRead(Configuration conf, Map<String, String> metadata,
      MessageType fileSchema, ReadContext context) {
    return new Materializer(context.getRequestedSchema());
  }

  private static final class Materializer extends RecordMaterializer<Object> {
    private final Row.Columns columns;
    private final Record record;

    Materializer(MessageType schema) {
      List<String> names = new ArrayList<>();
      for (Type t : schema.getFields()) {
        names.add(t.getName());
      }
      columns = Row.Columns.of(names);
      record = new Record(schema);
    }

    @Override
    public Object getCurrentRecord() {
      return record.bad != null ? new Unreadable(record.bad) : new Row(columns, record.values);
    }

    @Override
    public GroupConverter getRootConverter() {
      return record;
    }
  }

  /** The record being read: a new array of values each time. */
  private static final class Record extends GroupConverter {
    private final Converter[] converters;
    Object[] values;
    String bad;

    Record(MessageType schema) {
      List<Type> fields = schema.getFields();
      converters = new Converter[fields.size()];
      for (int i = 0; i < converters.length; i++) {
        Type t = fields.get(i);
        if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
          converters[i] = unreadable(t, "column \"" + t.getName() + "\" is nested or repeated; only flat columns are read");
        } else if (t.asPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96) {
          converters[i] = unreadable(t, "column \"" + t.getName() + "\" has type INT96, which psyarn does not read "
              + "(INT96 timestamps: rewrite them as INT64 TIMESTAMP)");
        } else {
          converters[i] = new Value(this, i, t.asPrimitiveType());
        }
      }
    }

    @Override
    public Converter getConverter(int field) {
      return converters[field];
    }

    @Override
    public void start() {
      values = new Object[converters.length];
      bad = null;
    }

    @Override
    public void end() {}

    /** Any value of this column (or of a field inside it) makes the record unreadable. */
    private Converter unreadable(Type t, String why) {
      if (t.isPrimitive()) {
        return new PrimitiveConverter() {
          @Override
          public void addBinary(Binary value) {
            bad = why;
          }

          @Override
          public void addBoolean(boolean value) {
            bad = why;
          }

          @Override
          public void addDouble(double value) {
            bad = why;
          }

          @Override
          public void addFloat(float value) {
            bad = why;
          }

          @Override
          public void addInt(int value) {
            bad = why;
          }

          @Override
          public void addLong(long value) {
            bad = why;
          }
        };
      }
      List<Type> inner = t.asGroupType().getFields();
      Converter[] children = new Converter[inner.size()];
      for (int i = 0; i < children.length; i++) {
        children[i] = unreadable(inner.get(i), why);
      }
      return new GroupConverter() {
        @Override
        public Converter getConverter(int field) {
          return children[field];
        }

        @Override
        public void start() {
          bad = why;
        }

        @Override
        public void end() {}
      };
    }
  }

  /** One flat column: its values as {@link Row} holds them, made once a dictionary entry. */
  private static final class Value extends PrimitiveConverter {
    private final Record record;
    private final int field;
    private final PrimitiveType.PrimitiveTypeName type;
    /** A timestamp's unit: divide by {@code perMicro}, multiply by {@code microsPer}; 0 when not a timestamp. */
    private final long perMicro;
    private final long microsPer;
    private final boolean date;
    private Dictionary dictionary;
    private Object[] fromDictionary;

    Value(Record record, int field, PrimitiveType t) {
      this.record = record;
      this.field = field;
      this.type = t.getPrimitiveTypeName();
      LogicalTypeAnnotation logical = t.getLogicalTypeAnnotation();
      if (type == PrimitiveType.PrimitiveTypeName.INT64 && logical instanceof TimestampLogicalTypeAnnotation ts) {
        perMicro = ts.getUnit() == TimeUnit.NANOS ? 1000 : 1;
        microsPer = ts.getUnit() == TimeUnit.MILLIS ? 1000 : 1;
      } else {
        perMicro = 0;
        microsPer = 0;
      }
      date = type == PrimitiveType.PrimitiveTypeName.INT32
          && logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation;
    }

    @Override
    public boolean hasDictionarySupport() {
      return true;
    }

    @Override
    public void setDictionary(Dictionary dictionary) {
      this.dictionary = dictionary;
      this.fromDictionary = new Object[dictionary.getMaxId() + 1];
    }

    @Override
    public void addValueFromDictionary(int id) {
      Object v = fromDictionary[id];
      if (v == null) {
        v = switch (type) {
          case INT64 -> ofLong(dictionary.decodeToLong(id));
          case INT32 -> ofInt(dictionary.decodeToInt(id));
          case DOUBLE -> dictionary.decodeToDouble(id);
          case FLOAT -> (double) dictionary.decodeToFloat(id);
          case BOOLEAN -> dictionary.decodeToBoolean(id);
          default -> dictionary.decodeToBinary(id).toStringUsingUTF8();
        };
        fromDictionary[id] = v;
      }
      record.values[field] = v;
    }

    private Object ofLong(long x) {
      return perMicro == 0 ? (Object) x : new Row.Timestamp(Math.floorDiv(x, perMicro) * microsPer);
    }

    private Object ofInt(int x) {
      return date ? new Row.Timestamp(x * 86_400_000_000L) : (Object) (long) x;
    }

    @Override
    public void addLong(long value) {
      record.values[field] = ofLong(value);
    }

    @Override
    public void addInt(int value) {
      record.values[field] = ofInt(value);
    }

    @Override
    public void addDouble(double value) {
      record.values[field] = value;
    }

    @Override
    public void addFloat(float value) {
      record.values[field] = (double) value;
    }

    @Override
    public void addBoolean(boolean value) {
      record.values[field] = value;
    }

    @Override
    public void addBinary(Binary value) {
      record.values[field] = value.toStringUsingUTF8();
    }
  }
}
