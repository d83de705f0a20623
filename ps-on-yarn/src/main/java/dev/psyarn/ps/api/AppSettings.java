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
   */
  public static <S> S bind(JsonNode app, Class<S> type, String path) {
    ObjectNode fields = app instanceof ObjectNode o ? o.deepCopy() : JSON.createObjectNode();
    fields.remove(PLATFORM_FIELDS);
    try {
      return JSON.treeToValue(fields, type);
    } catch (UnrecognizedPropertyException e) {
      Collection<Object> known = e.getKnownPropertyIds() == null ? List.of() : e.getKnownPropertyIds();
      TreeSet<String> names = new TreeSet<>();
      known.forEach(k -> names.add(String.valueOf(k)));
      if (e.getPath().size() == 1) {
        names.addAll(PLATFORM_FIELDS);
      }
      throw new SpecException(pathOf(path, e, null), "unknown field \"" + e.getPropertyName() + "\"; known: "
          + String.join(", ", names));
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause();
      if (cause instanceof SettingsException s) {
        throw new SpecException(pathOf(path, e, s.field()), s.getMessage());
      }
      throw new SpecException(pathOf(path, e, null), cause == null ? e.getOriginalMessage() : cause.getMessage());
    } catch (InvalidFormatException e) {
      throw new SpecException(pathOf(path, e, null), "must be " + describe(e.getTargetType()) + ", got "
          + JSON.valueToTree(e.getValue()));
    } catch (MismatchedInputException e) {
      JsonNode given = at(fields, e);
      throw new SpecException(pathOf(path, e, null), "must be " + describe(e.getTargetType())
          + (given == null ? "" : ", got " + given));
    } catch (JsonMappingException e) {
      throw new SpecException(pathOf(path, e, null), e.getOriginalMessage());
    } catch (IllegalArgumentException e) {
      throw new SpecException(path, e.getMessage());
    } catch (java.io.IOException e) {
      throw new SpecException(path, e.getMessage());
    }
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
