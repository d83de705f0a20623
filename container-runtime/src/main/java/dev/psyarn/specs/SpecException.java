package dev.psyarn.specs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A spec that is not valid: {@link #field()} is the path of the offending field. One exception
 * may carry every error found in a spec ({@link #all()}); its own field and message are the
 * first's.
 */
public final class SpecException extends IllegalArgumentException {

  private final String field;
  private final List<SpecException> all;

  public SpecException(String field, String message) {
    super((field.isEmpty() ? "(top level)" : field) + ": " + message);
    this.field = field;
    this.all = List.of(this);
  }

  private SpecException(List<SpecException> errors) {
    super(errors.get(0).getMessage());
    this.field = errors.get(0).field;
    this.all = List.copyOf(errors);
  }

  /** Every error of {@code errors} (at least one) as one exception; a field's first error stands for it. */
  public static SpecException of(List<SpecException> errors) {
    Map<String, SpecException> distinct = new LinkedHashMap<>();
    for (SpecException e : errors) {
      for (SpecException one : e.all()) {
        distinct.putIfAbsent(one.field(), one);
      }
    }
    List<SpecException> list = new ArrayList<>(distinct.values());
    return list.size() == 1 ? list.get(0) : new SpecException(list);
  }

  /** The path of the offending field, such as {@code roles.worker.memory}; empty for the top level. */
  public String field() {
    return field;
  }

  /** Every error this one stands for, in the order they were found: itself alone for a single error. */
  public List<SpecException> all() {
    return all;
  }

  /** The message without the field path in front. */
  public String reason() {
    String message = getMessage();
    return message.substring(message.indexOf(": ") + 2);
  }
}
