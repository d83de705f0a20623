package dev.psyarn.specs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecNodeTest {

  private static SpecNode parse(String json) throws Exception {
    return SpecNode.root(new ObjectMapper().readTree(json));
  }

  @Test
  void unknownFieldIsNamedWithItsPathAndTheAllowedOnes() throws Exception {
    SpecNode roles = parse("{\"roles\": {\"worker\": {\"instancez\": 3}}}").object("roles");
    SpecException e = assertThrows(SpecException.class, () -> roles.object("worker").allowOnly("instances", "memory"));
    assertEquals("roles.worker.instancez", e.field());
    assertTrue(e.getMessage().contains("allowed here: instances, memory"), e.getMessage());
  }

  @Test
  void memoryAcceptsMegabytesAndUnits() throws Exception {
    SpecNode n = parse("{\"a\": 512, \"b\": \"2g\", \"c\": \"768m\", \"d\": \"1GiB\"}");
    assertEquals(512, n.memoryMb("a", 0, 1, 1 << 20));
    assertEquals(2048, n.memoryMb("b", 0, 1, 1 << 20));
    assertEquals(768, n.memoryMb("c", 0, 1, 1 << 20));
    assertEquals(1024, n.memoryMb("d", 0, 1, 1 << 20));
    assertEquals(99, n.memoryMb("missing", 99, 1, 1 << 20));
  }

  @Test
  void memoryRejectsNonsenseAndOutOfRange() throws Exception {
    SpecNode n = parse("{\"a\": \"lots\", \"b\": \"10m\", \"c\": true}");
    assertTrue(assertThrows(SpecException.class, () -> n.memoryMb("a", 0, 64, 1024)).getMessage()
        .contains("a: expected a size such as 512m or 2g, got \"lots\""));
    assertTrue(assertThrows(SpecException.class, () -> n.memoryMb("b", 0, 64, 1024)).getMessage()
        .contains("must be from 64m to 1024m, got 10m"));
    assertEquals("c", assertThrows(SpecException.class, () -> n.memoryMb("c", 0, 64, 1024)).field());
  }

  @Test
  void integersAreCheckedForTypeAndRange() throws Exception {
    SpecNode n = parse("{\"a\": 5, \"b\": \"five\", \"c\": 2.5, \"d\": 0}");
    assertEquals(5, n.integer("a", 1, 10));
    assertThrows(SpecException.class, () -> n.integer("b", 1, 10));
    assertThrows(SpecException.class, () -> n.integer("c", 1, 10));
    SpecException e = assertThrows(SpecException.class, () -> n.integer("d", 1, 10));
    assertTrue(e.getMessage().contains("must be from 1 to 10, got 0"));
    assertEquals("missing", assertThrows(SpecException.class, () -> n.integer("missing", 1, 10)).field());
  }

  @Test
  void decimalsAcceptWholeAndFractionalNumbersOnly() throws Exception {
    SpecNode n = parse("{\"a\": 0.25, \"b\": 3, \"c\": \"fast\"}");
    assertEquals(0.25, n.decimal("a", 9));
    assertEquals(3.0, n.decimal("b", 9));
    assertEquals(9.0, n.decimal("missing", 9));
    SpecException e = assertThrows(SpecException.class, () -> n.decimal("c", 0));
    assertEquals("c", e.field());
    assertTrue(e.getMessage().contains("expected a number, got \"fast\""), e.getMessage());
  }

  @Test
  void listsAndMapsNameTheBadElement() throws Exception {
    SpecNode n = parse("{\"opts\": [\"-Xss1m\", 3], \"env\": {\"A\": 1, \"B\": {\"x\": 1}}, \"ok\": [\"a\"]}");
    assertEquals(List.of("a"), n.stringList("ok"));
    assertEquals("opts[1]", assertThrows(SpecException.class, () -> n.stringList("opts")).field());
    assertEquals("env.B", assertThrows(SpecException.class, () -> n.stringMap("env")).field());
    assertEquals(Map.of(), n.stringMap("none"));
  }

  @Test
  void rootMustBeAMapping() throws Exception {
    assertThrows(SpecException.class, () -> parse("[1, 2]"));
    assertThrows(SpecException.class, () -> SpecNode.root(null));
  }
}
