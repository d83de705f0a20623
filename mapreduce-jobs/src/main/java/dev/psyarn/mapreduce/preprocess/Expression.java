package dev.psyarn.mapreduce.preprocess;

import java.util.Set;
import java.util.TreeSet;

/**
 * A small expression over a row's columns, for labels ({@code delay >= 15}) and splits
 * ({@code month(date) >= 6}).
 *
 * <pre>
 * expr  := or;  or := and ("or" and)*;  and := unary ("and" unary)*;  unary := "not" unary | cmp
 * cmp   := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
 * sum   := prod (("+" | "-") prod)*;  prod := atom (("*" | "/" | "%") atom)*
 * atom  := number | 'text' | "text" | true | false | name | `odd name` | fn "(" expr ")" | "(" expr ")" | "-" atom
 * fn    := hour | weekday | dayOfMonth | month | year | abs | log2 | isNull
 * </pre>
 *
 * Numbers compare as numbers (a text column holding a number, as CSV gives it, is parsed);
 * texts compare as texts. A value that does not fit (a missing column value, text that is not a
 * number) makes the row a bad record.
 */
public final class Expression {

  private static final Set<String> FUNCTIONS = Set.of("hour", "weekday", "dayOfMonth", "month", "year", "abs",
      "log2", "isNull");

  /** A node of the parsed expression; numbers and truths have their own unboxed paths. */
  private interface Node {
    Object eval(Row row);

    /** The value as a number; a number's node answers it without boxing. */
    default double num(Row row, String what) {
      return number(eval(row), what);
    }

    /** The value as a truth (a number is true above zero). */
    default boolean truth(Row row, String what) {
      Object v = eval(row);
      return v instanceof Boolean b ? b : number(v, what) > 0;
    }
  }

  /** A node whose value is always a number (never a text or missing). */
  @FunctionalInterface
  private interface Num extends Node {
    double value(Row row);

    @Override
    default Object eval(Row row) {
      return value(row);
    }

    @Override
    default double num(Row row, String what) {
      return value(row);
    }
  }

  /** A node whose value is always true or false. */
  @FunctionalInterface
  private interface Bool extends Node {
    boolean value(Row row);

    @Override
    default Object eval(Row row) {
      return value(row);
    }

    @Override
    default boolean truth(Row row, String what) {
      return value(row);
    }
  }

  /** A column's value, its position looked up once for each set of columns (one per input). */
  private static final class Column implements Node {
    private final String name;
    private Position last = new Position(null, -1);

    private record Position(Row.Columns columns, int at) {}

    Column(String name) {
      this.name = name;
    }

    @Override
    public Object eval(Row row) {
      Position p = last;
      if (p.columns() != row.columns()) {
        p = new Position(row.columns(), row.columns().position(name));
        last = p;
      }
      return row.values()[p.at()];
    }
  }

  private final String text;
  private final Node root;
  private final Set<String> columns;

  private Expression(String text, Node root, Set<String> columns) {
    this.text = text;
    this.root = root;
    this.columns = columns;
  }

  /** Parses an expression; an {@link IllegalArgumentException} says where and what is wrong. */
  public static Expression parse(String text) {
    Parser p = new Parser(text);
    Node root = p.or();
    p.skipSpace();
    if (p.pos < text.length()) {
      throw p.error("unexpected \"" + text.substring(p.pos) + "\"");
    }
    return new Expression(text, root, p.columns);
  }

  public String text() {
    return text;
  }

  /** The columns the expression reads. */
  public Set<String> columns() {
    return columns;
  }

  /** The value for a row: a Double, String or Boolean. */
  public Object eval(Row row) {
    return root.eval(row);
  }

  /** True or false for a row: a number is true when it is above zero. */
  public boolean test(Row row) {
    return root.truth(row, text);
  }

  @Override
  public String toString() {
    return text;
  }

  static double number(Object v, String what) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        throw new BadRecordException("\"" + s + "\" is not a number (in " + what + ")");
      }
    }
    if (v instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (v == null) {
      throw new BadRecordException("a value is missing (in " + what + ")");
    }
    throw new BadRecordException(v + " is not a number (in " + what + ")");
  }

  static Row.Timestamp timestamp(Object v, String what) {
    if (v instanceof Row.Timestamp t) {
      return t;
    }
    if (v instanceof String s) {
      return Row.Timestamp.parse(s);
    }
    if (v == null) {
      throw new BadRecordException("a timestamp is missing (in " + what + ")");
    }
    throw new BadRecordException(v + " is not a timestamp (in " + what + ")");
  }

  private static final class Parser {
    private final String s;
    private int pos;
    private final Set<String> columns = new TreeSet<>();

    Parser(String s) {
      this.s = s;
    }

    Node or() {
      Node left = and();
      while (word("or")) {
        Node l = left;
        Node r = and();
        left = (Bool) row -> l.truth(row, s) || r.truth(row, s);
      }
      return left;
    }

    Node and() {
      Node left = unary();
      while (word("and")) {
        Node l = left;
        Node r = unary();
        left = (Bool) row -> l.truth(row, s) && r.truth(row, s);
      }
      return left;
    }

    Node unary() {
      if (word("not")) {
        Node inner = unary();
        return (Bool) row -> !inner.truth(row, s);
      }
      return comparison();
    }

    Node comparison() {
      Node left = sum();
      skipSpace();
      for (String op : new String[] {"==", "!=", "<=", ">=", "<", ">", "="}) {
        if (s.startsWith(op, pos)) {
          pos += op.length();
          Node right = sum();
          return comparison(op.equals("=") ? "==" : op, left, right);
        }
      }
      return left;
    }

    Node sum() {
      Node left = product();
      while (true) {
        skipSpace();
        if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          char op = s.charAt(pos++);
          Node l = left;
          Node r = product();
          left = op == '+' ? (Num) row -> l.num(row, s) + r.num(row, s) : (Num) row -> l.num(row, s) - r.num(row, s);
        } else {
          return left;
        }
      }
    }

    Node product() {
      Node left = atom();
      while (true) {
        skipSpace();
        if (pos < s.length() && "*/%".indexOf(s.charAt(pos)) >= 0) {
          char op = s.charAt(pos++);
          Node l = left;
          Node r = atom();
          left = switch (op) {
            case '*' -> (Num) row -> l.num(row, s) * r.num(row, s);
            case '/' -> (Num) row -> l.num(row, s) / r.num(row, s);
            default -> (Num) row -> l.num(row, s) % r.num(row, s);
          };
        } else {
          return left;
        }
      }
    }

    Node atom() {
      skipSpace();
      if (pos >= s.length()) {
        throw error("the expression ends where a value was expected");
      }
      char c = s.charAt(pos);
      if (c == '(') {
        pos++;
        Node inner = or();
        expect(')');
        return inner;
      }
      if (c == '-') {
        pos++;
        Node inner = atom();
        return (Num) row -> -inner.num(row, s);
      }
      if (c == '\'' || c == '"') {
        int end = s.indexOf(c, pos + 1);
        if (end < 0) {
          throw error("text starting here is not closed with " + c);
        }
        String value = s.substring(pos + 1, end);
        pos = end + 1;
        return row -> value;
      }
      if (Character.isDigit(c) || c == '.') {
        int start = pos;
        while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || ".eE".indexOf(s.charAt(pos)) >= 0)) {
          pos++;
        }
        try {
          double value = Double.parseDouble(s.substring(start, pos));
          return (Num) row -> value;
        } catch (NumberFormatException e) {
          pos = start;
          throw error("\"" + s.substring(start) + "\" is not a number");
        }
      }
      String name;
      if (c == '`') {
        int end = s.indexOf('`', pos + 1);
        if (end < 0) {
          throw error("a `quoted` column name is not closed");
        }
        name = s.substring(pos + 1, end);
        pos = end + 1;
        columns.add(name);
        return new Column(name);
      }
      if (!Character.isLetter(c) && c != '_') {
        throw error("unexpected \"" + c + "\"");
      }
      int start = pos;
      while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_'
          || s.charAt(pos) == '.')) {
        pos++;
      }
      name = s.substring(start, pos);
      if (name.equals("true") || name.equals("false")) {
        boolean value = Boolean.parseBoolean(name);
        return (Bool) row -> value;
      }
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == '(') {
        if (!FUNCTIONS.contains(name)) {
          pos = start;
          throw error("unknown function \"" + name + "\"; known: " + String.join(", ", new TreeSet<>(FUNCTIONS)));
        }
        pos++;
        Node arg = or();
        expect(')');
        return function(name, arg);
      }
      columns.add(name);
      return new Column(name);
    }

    private Node function(String name, Node arg) {
      return switch (name) {
        case "hour" -> (Num) row -> timestamp(arg.eval(row), s).hour();
        case "weekday" -> (Num) row -> timestamp(arg.eval(row), s).weekday();
        case "dayOfMonth" -> (Num) row -> timestamp(arg.eval(row), s).dayOfMonth();
        case "month" -> (Num) row -> timestamp(arg.eval(row), s).month();
        case "year" -> (Num) row -> timestamp(arg.eval(row), s).year();
        case "abs" -> (Num) row -> Math.abs(arg.num(row, s));
        case "log2" -> (Num) row -> Math.log(arg.num(row, s)) / Math.log(2);
        default -> (Bool) row -> arg.eval(row) == null;
      };
    }

    /**
     * An ordering (or any comparison of two numbers) with a number on one side compares as numbers:
     * the same answer as {@link #compare}, without boxing. The rest goes through {@link #compare}.
     */
    private Node comparison(String op, Node left, Node right) {
      boolean ordering = !op.equals("==") && !op.equals("!=");
      if ((left instanceof Num || right instanceof Num) && (ordering || left instanceof Num && right instanceof Num)) {
        return switch (op) {
          case "==" -> (Bool) row -> Double.compare(left.num(row, s), right.num(row, s)) == 0;
          case "!=" -> (Bool) row -> Double.compare(left.num(row, s), right.num(row, s)) != 0;
          case "<" -> (Bool) row -> Double.compare(left.num(row, s), right.num(row, s)) < 0;
          case "<=" -> (Bool) row -> Double.compare(left.num(row, s), right.num(row, s)) <= 0;
          case ">" -> (Bool) row -> Double.compare(left.num(row, s), right.num(row, s)) > 0;
          default -> (Bool) row -> Double.compare(left.num(row, s), right.num(row, s)) >= 0;
        };
      }
      return (Bool) row -> compare(op, left.eval(row), right.eval(row));
    }

    private boolean compare(String op, Object a, Object b) {
      int c;
      if (a instanceof String x && b instanceof String y) {
        c = x.compareTo(y);
      } else if ((a instanceof String || b instanceof String) && (op.equals("==") || op.equals("!="))
          && !(isNumeric(a) && isNumeric(b))) {
        c = String.valueOf(a).equals(String.valueOf(b)) ? 0 : 1;
      } else {
        c = Double.compare(number(a, s), number(b, s));
      }
      return switch (op) {
        case "==" -> c == 0;
        case "!=" -> c != 0;
        case "<" -> c < 0;
        case "<=" -> c <= 0;
        case ">" -> c > 0;
        default -> c >= 0;
      };
    }

    private static boolean isNumeric(Object v) {
      if (v instanceof Number) {
        return true;
      }
      if (v instanceof String str) {
        try {
          Double.parseDouble(str.trim());
          return true;
        } catch (NumberFormatException e) {
          return false;
        }
      }
      return false;
    }

    private boolean word(String w) {
      skipSpace();
      if (s.regionMatches(true, pos, w, 0, w.length())
          && (pos + w.length() == s.length() || !Character.isLetterOrDigit(s.charAt(pos + w.length())))) {
        pos += w.length();
        return true;
      }
      return false;
    }

    private void expect(char c) {
      skipSpace();
      if (pos >= s.length() || s.charAt(pos) != c) {
        throw error("expected \"" + c + "\"");
      }
      pos++;
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException(what + " at character " + (pos + 1) + " of \"" + s + "\"");
    }
  }

}
