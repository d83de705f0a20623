package dev.psyarn.specs;

/** A spec that is not valid: {@link #field()} is the path of the offending field. */
public final class SpecException extends IllegalArgumentException {

  private final String field;

  public SpecException(String field, String message) {
    super((field.isEmpty() ? "(top level)" : field) + ": " + message);
    this.field = field;
  }

  /** The path of the offending field, such as {@code roles.worker.memory}; empty for the top level. */
  public String field() {
    return field;
  }
}
