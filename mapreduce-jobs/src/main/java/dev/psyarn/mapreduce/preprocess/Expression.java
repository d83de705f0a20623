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

  private interface Node {
    Object eval(Row row);
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
    Object v = root.eval(row);
    if (v instanceof Boolean b) {
      return b;
    }
    return number(v, text) > 0;
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
        left = row -> truth(l.eval(row)) || truth(r.eval(row));
      }
      return left;
    }

    Node and() {
      Node left = unary();
      while (word("and")) {
        Node l = left;
        Node r = unary();
        left = row -> truth(l.eval(row)) && truth(r.eval(row));
      }
      return left;
    }

    Node unary() {
      if (word("not")) {
        Node inner = unary();
        return row -> !truth(inner.eval(row));
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
          String o = op.equals("=") ? "==" : op;
          return row -> compare(o, left.eval(row), right.eval(row));
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
          left = op == '+' ? row -> number(l.eval(row), s) + number(r.eval(row), s)
              : row -> number(l.eval(row), s) - number(r.eval(row), s);
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
            case '*' -> row -> number(l.eval(row), s) * number(r.eval(row), s);
            case '/' -> row -> number(l.eval(row), s) / number(r.eval(row), s);
            default -> row -> number(l.eval(row), s) % number(r.eval(row), s);
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
        return row -> -number(inner.eval(row), s);
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
          return row -> value;
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
        return row -> row.get(name);
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
        return row -> value;
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
      return row -> row.get(name);
    }

    private Node function(String name, Node arg) {
      return switch (name) {
        case "hour" -> row -> (double) timestamp(arg.eval(row), s).hour();
        case "weekday" -> row -> (double) timestamp(arg.eval(row), s).weekday();
        case "dayOfMonth" -> row -> (double) timestamp(arg.eval(row), s).dayOfMonth();
        case "month" -> row -> (double) timestamp(arg.eval(row), s).month();
        case "year" -> row -> (double) timestamp(arg.eval(row), s).year();
        case "abs" -> row -> Math.abs(number(arg.eval(row), s));
        case "log2" -> row -> Math.log(number(arg.eval(row), s)) / Math.log(2);
        default -> row -> arg.eval(row) == null;
      };
    }

    private Object compare(String op, Object a, Object b) {
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

    private boolean truth(Object v) {
      if (v instanceof Boolean b) {
        return b;
      }
      return number(v, s) > 0;
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
