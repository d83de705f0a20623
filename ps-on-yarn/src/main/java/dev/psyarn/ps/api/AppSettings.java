package dev.psyarn.ps.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.psyarn.specs.SpecException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Binds an {@code app} section to an application's settings record, and the checks its
 * constructor uses for defaults and ranges. One binding serves the client, the AM and the workers,
 * so a value means the same everywhere and is refused, with its field path, before submission.
 *
 * <pre>{@code
 * public record Settings(Integer width, Integer depth, String text) {
 *   public Settings {
 *     width = AppSettings.intIn("width", width, 1 << 16, 16, 1 << 26);
 *     depth = AppSettings.intIn("depth", depth, 4, 1, 16);
 *     text = AppSettings.required("text", text);
 *   }
 * }
 * }</pre>
 */
public final class AppSettings {

  /** Fields of the {@code app} section that psyarn reads itself: they are not the app's settings. */
  public static final Set<String> PLATFORM_FIELDS = Set.of("type", "jars");

  /**
   * The mapper settings and results go through: unknown fields, numbers given as text, fractions
   * for whole numbers and nulls for primitives are errors, not guesses.
   */
  public static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  /** The mapper workers' results travel through (NaN and infinities as text, as Jackson writes them). */
  public static final ObjectMapper RESULTS = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private AppSettings() {}

  /**
   * The settings {@code app} (the section as a JSON tree, at {@code path} in the spec) holds for a
   * record of {@code type}; a {@link SpecException} names the field at fault and says what it takes.
   * Every error of the section is reported at once ({@link SpecException#all()}): Jackson stops at
   * the first, so the field at fault is left out and the rest bound again, until the section binds
   * or an error repeats (a required field that is missing).
   */
  public static <S> S bind(JsonNode app, Class<S> type, String path) {
    ObjectNode fields = app instanceof ObjectNode o ? o.deepCopy() : JSON.createObjectNode();
    fields.remove(PLATFORM_FIELDS);
    List<SpecException> errors = new java.util.ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (int attempt = 0; attempt < MAX_ERRORS; attempt++) {
      Fault fault;
      try {
        S settings = JSON.treeToValue(fields, type);
        if (errors.isEmpty()) {
          return settings;
        }
        break;
      } catch (JsonMappingException e) {
        fault = fault(e, fields, path);
      } catch (IllegalArgumentException | java.io.IOException e) {
        fault = new Fault(new SpecException(path, e.getMessage()), null, null);
      }
      if (!seen.add(fault.error().getMessage())) {
        break; // the same error again: leaving fields out does not get past it
      }
      errors.add(fault.error());
      // Leave out the field at fault, or (a required field that is missing) the object holding it.
      if (fault.at() == null || !leaveOut(fields, fault.at(), fault.field()) && !leaveOut(fields, fault.at(), "")) {
        break;
      }
    }
    throw SpecException.of(errors);
  }

  /** Errors of one section reported at most. */
  private static final int MAX_ERRORS = 25;

  /** One binding error, and the field that caused it: {@code field} of the object at {@code at} (empty: that object). */
  private record Fault(SpecException error, List<JsonMappingException.Reference> at, String field) {}

  private static Fault fault(JsonMappingException e, ObjectNode fields, String path) {
    if (e instanceof UnrecognizedPropertyException u) {
      Collection<Object> known = u.getKnownPropertyIds() == null ? List.of() : u.getKnownPropertyIds();
      TreeSet<String> names = new TreeSet<>();
      known.forEach(k -> names.add(String.valueOf(k)));
      if (u.getPath().size() == 1) {
        names.addAll(PLATFORM_FIELDS);
      }
      return new Fault(new SpecException(pathOf(path, e, null), "unknown field \"" + u.getPropertyName()
          + "\"; known: " + String.join(", ", names)), e.getPath(), "");
    }
    if (e instanceof ValueInstantiationException) {
      Throwable cause = e.getCause();
      if (cause instanceof SettingsException s) {
        return new Fault(new SpecException(pathOf(path, e, s.field()), s.getMessage()), e.getPath(), s.field());
      }
      return new Fault(new SpecException(pathOf(path, e, null), cause == null ? e.getOriginalMessage()
          : cause.getMessage()), e.getPath(), "");
    }
    if (e instanceof InvalidFormatException f) {
      return new Fault(new SpecException(pathOf(path, e, null), "must be " + describe(f.getTargetType()) + ", got "
          + JSON.valueToTree(f.getValue())), e.getPath(), "");
    }
    if (e instanceof MismatchedInputException m) {
      JsonNode given = at(fields, e);
      return new Fault(new SpecException(pathOf(path, e, null), "must be " + describe(m.getTargetType())
          + (given == null ? "" : ", got " + given)), e.getPath(), "");
    }
    return new Fault(new SpecException(pathOf(path, e, null), e.getOriginalMessage()), e.getPath(), "");
  }

  /**
   * Removes the field at fault from {@code root}: {@code field} (dotted) below the node at
   * {@code at}, or that node itself when {@code field} is empty. Returns whether something went.
   */
  private static boolean leaveOut(ObjectNode root, List<JsonMappingException.Reference> at, String field) {
    List<String> names = new java.util.ArrayList<>();
    for (JsonMappingException.Reference ref : at) {
      if (ref.getFieldName() == null) {
        return false; // inside a list: not left out element by element
      }
      names.add(ref.getFieldName());
    }
    if (field != null && !field.isEmpty()) {
      names.addAll(List.of(field.split("\\.")));
    }
    if (names.isEmpty()) {
      return false;
    }
    JsonNode node = root;
    for (String name : names.subList(0, names.size() - 1)) {
      node = node.get(name);
      if (!(node instanceof ObjectNode)) {
        return false;
      }
    }
    return ((ObjectNode) node).remove(names.get(names.size() - 1)) != null;
  }

  /** {@code value}, or {@code otherwise} when the spec leaves the field out. */
  public static <T> T or(T value, T otherwise) {
    return value == null ? otherwise : value;
  }

  /** {@code value}, which the spec must give. */
  public static <T> T required(String field, T value) {
    if (value == null) {
      throw new SettingsException(field, "is required");
    }
    return value;
  }

  /** A whole number from {@code min} to {@code max}, {@code otherwise} when left out. */
  public static int intIn(String field, Integer value, int otherwise, int min, int max) {
    int v = value == null ? otherwise : value;
    if (v < min || v > max) {
      throw new SettingsException(field, "must be from " + min + " to " + max + ", got " + v);
    }
    return v;
  }

  /** A number from {@code min} to {@code max} (both included), {@code otherwise} when left out. */
  public static double numberIn(String field, Double value, double otherwise, double min, double max) {
    double v = value == null ? otherwise : value;
    if (!(v >= min && v <= max)) {
      throw new SettingsException(field, "must be from " + min + " to " + max + ", got " + v);
    }
    return v;
  }

  /** One of {@code allowed}, {@code otherwise} when left out. */
  public static String oneOf(String field, String value, String otherwise, String... allowed) {
    String v = value == null ? otherwise : value;
    if (!Arrays.asList(allowed).contains(v)) {
      throw new SettingsException(field, "must be one of " + String.join(", ", allowed) + ", got \"" + v + "\"");
    }
    return v;
  }

  /** The spec path of a binding error: the section's, the references Jackson followed, then {@code field}. */
  private static String pathOf(String section, JsonMappingException e, String field) {
    StringBuilder path = new StringBuilder(section);
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    if (field != null && !field.isEmpty()) {
      path.append(path.isEmpty() ? "" : ".").append(field);
    }
    return path.toString();
  }

  /** The value at the error's path in {@code root}, if there is one. */
  private static JsonNode at(JsonNode root, JsonMappingException e) {
    JsonNode node = root;
    for (JsonMappingException.Reference ref : e.getPath()) {
      node = ref.getFieldName() != null ? node.get(ref.getFieldName()) : node.get(ref.getIndex());
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "of another kind";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class
        || type == Short.class || type == short.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "text";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.toString(type.getEnumConstants());
    }
    return "an object (" + type.getSimpleName() + ")";
  }
}
