package dev.psyarn.mapreduce.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LineDecoderTest {

  private static final PreprocessSpec.Format CSV = new PreprocessSpec.Format("csv", true, ',', '"', List.of());

  @Test
  void csvFieldsMayBeQuotedWithDelimitersAndDoubledQuotes() {
    LineDecoder d = new LineDecoder(CSV, List.of("a", "b", "c"));
    Row row = d.decode("x,\"say \"\"hi\"\", then go\",");
    assertEquals("x", row.get("a"));
    assertEquals("say \"hi\", then go", row.get("b"));
    assertEquals(null, row.get("c"), "an empty field is missing");
    LineDecoder tabs = new LineDecoder(new PreprocessSpec.Format("csv", false, '\t', '\'', List.of("p", "q")),
        List.of("p", "q"));
    assertEquals("1,2", tabs.decode("'1,2'\t3").get("p"));
  }

  @Test
  void theNullValuesOfRPandasAndSqlDumpsAreMissingAndAListOfOneSOwnReplacesThem() {
    LineDecoder d = new LineDecoder(CSV, List.of("a", "b", "c", "d"));
    Row row = d.decode("NA,NaN,None,na");
    assertEquals(null, row.get("a"));
    assertEquals(null, row.get("b"));
    assertEquals(null, row.get("c"));
    assertEquals("na", row.get("d"), "only the listed texts, as written");
    LineDecoder own = new LineDecoder(new PreprocessSpec.Format("csv", true, ',', '"', List.of(), List.of("-", "?")),
        List.of("a", "b", "c"));
    Row mine = own.decode("-,?,NA");
    assertEquals(null, mine.get("a"));
    assertEquals(null, mine.get("b"));
    assertEquals("NA", mine.get("c"), "a list of one's own replaces the default");
  }

  @Test
  void malformedLinesAreBadRecordsThatSayWhy() {
    LineDecoder d = new LineDecoder(CSV, List.of("a", "b", "c"));
    assertTrue(assertThrows(BadRecordException.class, () -> d.decode("1,2")).getMessage()
        .contains("has 2 fields where the header has 3"));
    assertTrue(assertThrows(BadRecordException.class, () -> d.decode("1,\"2,3")).getMessage().contains("not closed"));
    assertTrue(assertThrows(BadRecordException.class, () -> d.decode("1,\"2\"x,3")).getMessage()
        .contains("after a closing quote"));
    LineDecoder svm = new LineDecoder(new PreprocessSpec.Format("libsvm", false, ',', '"', List.of()), List.of());
    assertTrue(assertThrows(BadRecordException.class, () -> svm.decode("1 3:x")).getMessage().contains("pair 1"));
    assertTrue(assertThrows(BadRecordException.class, () -> svm.decode("yes 3:1")).getMessage().contains("label"));
    assertThrows(BadRecordException.class, () -> svm.decode("1 -3:1"));
    Row ok = svm.decode("-1 3:1 10:0.25 # comment");
    assertEquals(-1.0, ok.get("label"));
    assertEquals(2, ((Row.SparseVector) ok.get("features")).indices().length);
    LineDecoder text = new LineDecoder(new PreprocessSpec.Format("text", false, '\t', '"', List.of()), List.of());
    assertEquals("good day", text.decode("1\tgood day").get("text"));
    assertThrows(BadRecordException.class, () -> text.decode("no label here"));
  }
}
