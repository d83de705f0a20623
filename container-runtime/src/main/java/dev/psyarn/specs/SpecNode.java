package dev.psyarn.specs;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node of a parsed spec that knows its path, so that every error names the field
 * ({@code roles.worker.memory: expected ...}). Readers declare the fields they know with
 * {@link #allowOnly}; anything else is an error, so a typo never passes silently.
 */
public final class SpecNode {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)i?b?", Pattern.CASE_INSENSITIVE);

  private final JsonNode node;
  private final String path;

  private SpecNode(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /** The root of a document, which must be a mapping. */
  public static SpecNode root(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new SpecException("", "a spec must be a mapping of fields, got "
          + (node == null || node.isMissingNode() ? "an empty document" : describe(node)));
    }
    return new SpecNode(node, "");
  }

  public String path() {
    return path;
  }

  /** Fails on any field not in {@code known}, naming the allowed ones. */
  public SpecNode allowOnly(String... known) {
    requireObject();
    Set<String> allowed = new LinkedHashSet<>(List.of(known));
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        throw new SpecException(join(name), "unknown field; allowed here: " + String.join(", ", allowed));
      }
    }
    return this;
  }

  public boolean has(String field) {
    JsonNode child = node.get(field);
    return child != null && !child.isNull();
  }

  /** A required mapping. */
  public SpecNode object(String field) {
    SpecNode child = required(field);
    child.requireObject();
    return child;
  }

  /** An optional mapping. */
  public Optional<SpecNode> optionalObject(String field) {
    return has(field) ? Optional.of(object(field)) : Optional.empty();
  }

  /** The names of a mapping's fields, in document order. */
  public List<String> fieldNames() {
    requireObject();
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A child mapping by name (for mappings keyed by user names, like roles). */
  public SpecNode entry(String name) {
    return object(name);
  }

  public String text(String field) {
    SpecNode child = required(field);
    if (!child.node.isTextual() || child.node.asText().isBlank()) {
      throw new SpecException(child.path, "expected a non-empty string, got " + describe(child.node));
    }
    return child.node.asText();
  }

  public String textOr(String field, String fallback) {
    return has(field) ? text(field) : fallback;
  }

  /** A whole number in {@code [min, max]}. */
  public int integer(String field, int min, int max) {
    SpecNode child = required(field);
    if (!child.node.isIntegralNumber() || !child.node.canConvertToLong()) {
      throw new SpecException(child.path, "expected a whole number from " + min + " to " + max
          + ", got " + describe(child.node));
    }
    long value = child.node.asLong();
    if (value < min || value > max) {
      throw new SpecException(child.path, "must be from " + min + " to " + max + ", got " + value);
    }
    return (int) value;
  }

  public int integerOr(String field, int fallback, int min, int max) {
    return has(field) ? integer(field, min, max) : fallback;
  }

  /** A number (whole or not), or {@code fallback} when the field is absent. */
  public double decimal(String field, double fallback) {
    if (!has(field)) {
      return fallback;
    }
    JsonNode child = node.get(field);
    if (!child.isNumber()) {
      throw new SpecException(join(field), "expected a number, got " + describe(child));
    }
    return child.asDouble();
  }

  public boolean bool(String field, boolean fallback) {
    if (!has(field)) {
      return fallback;
    }
    JsonNode child = node.get(field);
    if (!child.isBoolean()) {
      throw new SpecException(join(field), "expected true or false, got " + describe(child));
    }
    return child.asBoolean();
  }

  /**
   * A memory size in MiB: a number of MiB, or a string with a unit ({@code 512m}, {@code 2g}),
   * from {@code minMb} to {@code maxMb}.
   */
  public int memoryMb(String field, int fallback, int minMb, int maxMb) {
    if (!has(field)) {
      return fallback;
    }
    SpecNode child = required(field);
    long mb;
    if (child.node.isIntegralNumber()) {
      mb = child.node.asLong();
    } else if (child.node.isTextual()) {
      Matcher m = SIZE.matcher(child.node.asText().trim());
      if (!m.matches()) {
        throw new SpecException(child.path, "expected a size such as 512m or 2g, got "
            + describe(child.node));
      }
      long n = Long.parseLong(m.group(1));
      mb = switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "k" -> n / 1024;
        case "g" -> n * 1024;
        case "t" -> n * 1024 * 1024;
        default -> n;
      };
    } else {
      throw new SpecException(child.path, "expected a size such as 512m or 2g, got " + describe(child.node));
    }
    if (mb < minMb || mb > maxMb) {
      throw new SpecException(child.path, "must be from " + minMb + "m to " + maxMb + "m, got " + mb + "m");
    }
    return (int) mb;
  }

  /** An optional list of strings. */
  public List<String> stringList(String field) {
    if (!has(field)) {
      return List.of();
    }
    JsonNode child = node.get(field);
    if (!child.isArray()) {
      throw new SpecException(join(field), "expected a list of strings, got " + describe(child));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < child.size(); i++) {
      JsonNode item = child.get(i);
      if (!item.isTextual()) {
        throw new SpecException(join(field) + "[" + i + "]", "expected a string, got " + describe(item));
      }
      out.add(item.asText());
    }
    return List.copyOf(out);
  }

  /** An optional mapping of names to scalar values, read as strings. */
  public Map<String, String> stringMap(String field) {
    if (!has(field)) {
      return Map.of();
    }
    SpecNode child = object(field);
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = child.node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new SpecException(child.join(e.getKey()), "expected a string or number, got "
            + describe(e.getValue()));
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  /** A required, non-empty list of mappings, each a node with its own path ({@code field[2]}). */
  public List<SpecNode> objectList(String field) {
    SpecNode child = required(field);
    if (!child.node.isArray() || child.node.isEmpty()) {
      throw new SpecException(child.path, "expected a non-empty list of mappings, got " + describe(child.node));
    }
    List<SpecNode> out = new ArrayList<>();
    for (int i = 0; i < child.node.size(); i++) {
      SpecNode item = new SpecNode(child.node.get(i), child.path + "[" + i + "]");
      item.requireObject();
      out.add(item);
    }
    return out;
  }

  /** Whether a field is present and a mapping (rather than a scalar or a list). */
  public boolean isObject(String field) {
    return has(field) && node.get(field).isObject();
  }

  /** Whether a field is present and a list. */
  public boolean isList(String field) {
    return has(field) && node.get(field).isArray();
  }

  /** A required list of numbers. */
  public double[] decimalList(String field) {
    SpecNode child = required(field);
    if (!child.node.isArray() || child.node.isEmpty()) {
      throw new SpecException(child.path, "expected a non-empty list of numbers, got " + describe(child.node));
    }
    double[] out = new double[child.node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode item = child.node.get(i);
      if (!item.isNumber()) {
        throw new SpecException(child.path + "[" + i + "]", "expected a number, got " + describe(item));
      }
      out[i] = item.asDouble();
    }
    return out;
  }

  /** The node itself, for handing a section to the reader that owns it. */
  public JsonNode json() {
    return node;
  }

  /** An error about this node. */
  public SpecException error(String message) {
    return new SpecException(path, message);
  }

  /** An error about one of this node's fields. */
  public SpecException error(String field, String message) {
    return new SpecException(join(field), message);
  }

  private SpecNode required(String field) {
    requireObject();
    JsonNode child = node.get(field);
    if (child == null || child.isNull()) {
      throw new SpecException(join(field), "required field is missing");
    }
    return new SpecNode(child, join(field));
  }

  private void requireObject() {
    if (!node.isObject()) {
      throw new SpecException(path, "expected a mapping of fields, got " + describe(node));
    }
  }

  private String join(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private static String describe(JsonNode node) {
    if (node.isTextual()) {
      return "\"" + node.asText() + "\"";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    return node.toString();
  }
}
