package dev.psyarn.mapreduce.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpressionTest {

  private static final Row.Columns COLUMNS = Row.Columns.of(List.of("delay", "origin", "date", "text", "page title"));

  private static Row row(Object delay, Object origin, Object date) {
    return new Row(COLUMNS, new Object[] {delay, origin, date, "42", "x"});
  }

  @Test
  void comparesNumbersTextsAndTimestampParts() {
    Row.Timestamp june = Row.Timestamp.parse("2001-06-01T07:45");
    assertTrue(Expression.parse("delay >= 15").test(row(15L, "ORD", june)));
    assertFalse(Expression.parse("delay >= 15").test(row(14L, "ORD", june)));
    assertTrue(Expression.parse("delay >= 15").test(row("20", "ORD", june)), "CSV text holding a number");
    assertTrue(Expression.parse("month(date) >= 6 and origin == 'ORD'").test(row(0L, "ORD", june)));
    assertFalse(Expression.parse("not (hour(date) = 7)").test(row(0L, "ORD", june)));
    assertTrue(Expression.parse("weekday(date) == 4 or delay < 0").test(row(0L, "X", june)), "2001-06-01 was a Friday");
    assertEquals(2.0, Expression.parse("(delay + 2) * 3 % 8 - -1").eval(row(1L, "X", june)));
    assertTrue(Expression.parse("`page title` == 'x' and text == 42").test(row(0L, "X", june)));
    assertTrue(Expression.parse("isNull(origin)").test(row(0L, null, june)));
    assertEquals(Set.of("delay", "date", "origin"), Expression.parse("delay > 1 or month(date) = origin").columns());
  }

  @Test
  void numbersCompareAsDoubleCompareDoes() {
    Row.Timestamp t = Row.Timestamp.parse("2001-01-01");
    Object[] delays = {Double.NaN, -0.0, 0.0, 14L, 15L, 15.0, "15", " 20 ", "late"};
    String[] ops = {"==", "!=", "<", "<=", ">", ">=", "="};
    for (Object delay : delays) {
      for (String op : ops) {
        for (String right : new String[] {"15", "0", "-0.0", "14 + 1"}) {
          String text = "delay " + op + " " + right;
          Boolean expected;
          double r = right.equals("14 + 1") ? 15 : Double.parseDouble(right);
          if (delay instanceof String str && (op.startsWith("=") || op.equals("!="))
              && !str.trim().matches("-?[0-9.]+")) {
            expected = op.equals("!=");
          } else if (delay instanceof String str && !str.trim().matches("-?[0-9.]+")) {
            expected = null; // not a number: a bad record
          } else {
            double d = delay instanceof String str ? Double.parseDouble(str.trim()) : ((Number) delay).doubleValue();
            int c = Double.compare(d, r);
            expected = switch (op) {
              case "==", "=" -> c == 0;
              case "!=" -> c != 0;
              case "<" -> c < 0;
              case "<=" -> c <= 0;
              case ">" -> c > 0;
              default -> c >= 0;
            };
          }
          Expression e = Expression.parse(text);
          if (expected == null) {
            assertThrows(BadRecordException.class, () -> e.test(row(delay, "X", t)), text + " for " + delay);
          } else {
            assertEquals(expected, e.test(row(delay, "X", t)), text + " for " + delay);
            assertEquals(expected, e.eval(row(delay, "X", t)), text + " for " + delay);
          }
        }
      }
    }
    Row.Columns other = Row.Columns.of(List.of("date", "delay"));
    Expression e = Expression.parse("delay >= 15");
    assertTrue(e.test(row(20L, "X", t)));
    assertFalse(e.test(new Row(other, new Object[] {20L, 3L})), "a second input's columns are looked up again");
    assertTrue(assertThrows(BadRecordException.class, () -> e.test(new Row(Row.Columns.of(List.of("x")),
        new Object[] {1L}))).getMessage().contains("has no column \"delay\""));
  }

  @Test
  void parseErrorsSayWhere() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Expression.parse("delay >="))
        .getMessage().contains("ends where a value was expected"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Expression.parse("minute(date) > 3"))
        .getMessage().contains("unknown function \"minute\""));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Expression.parse("delay > 1 )"))
        .getMessage().contains("at character 11"));
    assertThrows(IllegalArgumentException.class, () -> Expression.parse("origin == 'ORD"));
  }

  @Test
  void valuesOfTheWrongKindMakeABadRecord() {
    Row.Timestamp t = Row.Timestamp.parse("2001-01-01");
    assertTrue(assertThrows(BadRecordException.class, () -> Expression.parse("delay > 3").test(row("late", "X", t)))
        .getMessage().contains("\"late\" is not a number"));
    assertThrows(BadRecordException.class, () -> Expression.parse("delay > 3").test(row(null, "X", t)));
    assertThrows(BadRecordException.class, () -> Expression.parse("month(date) > 3").test(row(1L, "X", "yesterday")));
    assertTrue(assertThrows(BadRecordException.class, () -> Expression.parse("dist > 3").test(row(1L, "X", t)))
        .getMessage().contains("has no column \"dist\""));
  }
}
