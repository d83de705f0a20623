package dev.psyarn.mapreduce.preprocess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads one line of CSV, libsvm or label-and-text input into a {@link Row}. */
public final class LineDecoder {

  private final PreprocessSpec.Format format;
  private final Row.Columns columns;
  /** CSV field texts that mean a missing value. */
  private final java.util.Set<String> nulls;
  private final List<String> fields = new ArrayList<>();
  private final StringBuilder field = new StringBuilder();

  /**
   * @param columns the CSV header's names or the spec's {@code columns} (ignored for libsvm and
   *     text, whose columns are fixed)
   */
  public LineDecoder(PreprocessSpec.Format format, List<String> columns) {
    this.format = format;
    this.nulls = new java.util.HashSet<>(format.nullValues());
    this.columns = Row.Columns.of(switch (format.type()) {
      case "libsvm" -> List.of("label", "features");
      case "text" -> List.of("label", "text");
      default -> columns;
    });
  }

  public Row.Columns columns() {
    return columns;
  }

  /** Decodes a line; a malformed line is a {@link BadRecordException} saying what is wrong. */
  public Row decode(String line) {
    return switch (format.type()) {
      case "libsvm" -> libsvm(line);
      case "text" -> text(line);
      default -> csv(line);
    };
  }

  private Row csv(String line) {
    List<String> parts = split(line, format.delimiter(), format.quote());
    if (parts.size() != columns.names().size()) {
      throw new BadRecordException("has " + parts.size() + " fields where the header has " + columns.names().size());
    }
    Object[] values = new Object[parts.size()];
    for (int i = 0; i < values.length; i++) {
      String p = parts.get(i);
      values[i] = p.isEmpty() || nulls.contains(p) ? null : p;
    }
    return new Row(columns, values);
  }

  private Row text(String line) {
    int tab = line.indexOf(format.delimiter());
    if (tab < 0) {
      throw new BadRecordException("has no label: expected label, then \"" + printable(format.delimiter())
          + "\", then the text");
    }
    return new Row(columns, new Object[] {line.substring(0, tab).trim(), line.substring(tab + 1)});
  }

  private Row libsvm(String line) {
    String[] tokens = line.trim().split("\\s+");
    if (tokens.length == 0 || tokens[0].isEmpty()) {
      throw new BadRecordException("is empty: expected a label and index:value pairs");
    }
    double label;
    try {
      label = Double.parseDouble(tokens[0]);
    } catch (NumberFormatException e) {
      throw new BadRecordException("label \"" + tokens[0] + "\" is not a number");
    }
    long[] indices = new long[tokens.length - 1];
    float[] values = new float[tokens.length - 1];
    int n = 0;
    for (int i = 1; i < tokens.length; i++) {
      String t = tokens[i];
      if (t.startsWith("#")) {
        break;
      }
      int colon = t.indexOf(':');
      try {
        if (colon <= 0) {
          throw new NumberFormatException();
        }
        indices[n] = Long.parseLong(t, 0, colon, 10);
        values[n] = Float.parseFloat(t.substring(colon + 1));
        if (indices[n] < 0) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new BadRecordException("pair " + i + " \"" + t + "\" is not index:value (a whole index >= 0, a number)");
      }
      n++;
    }
    return new Row(columns, new Object[] {label,
        new Row.SparseVector(Arrays.copyOf(indices, n), Arrays.copyOf(values, n))});
  }

  /** Splits a CSV line: fields may be quoted; a doubled quote inside quotes is one quote. */
  public List<String> split(String line, char delimiter, char quote) {
    fields.clear();
    field.setLength(0);
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == quote) {
          if (i + 1 < line.length() && line.charAt(i + 1) == quote) {
            field.append(quote);
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == quote && field.isEmpty() && !wasQuoted) {
        quoted = true;
        wasQuoted = true;
      } else if (c == delimiter) {
        fields.add(field.toString());
        field.setLength(0);
        wasQuoted = false;
      } else if (wasQuoted) {
        throw new BadRecordException("has text after a closing quote in field " + (fields.size() + 1));
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw new BadRecordException("has a quote that is not closed in field " + (fields.size() + 1)
          + " (fields spanning lines are not supported)");
    }
    fields.add(field.toString());
    return new ArrayList<>(fields);
  }

  private static String printable(char c) {
    return c == '\t' ? "\\t" : String.valueOf(c);
  }
}
