package dev.psyarn.ps.api;

/**
 * A settings value that is wrong, thrown by a settings record's constructor: {@code field} is the
 * component's name (or a dotted path below it); {@link AppSettings#bind} puts the section's path in
 * front, so the user reads {@code app.updater.rate: must be above 0, got -1}.
 */
public final class SettingsException extends IllegalArgumentException {

  private final String field;

  public SettingsException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The field at fault, relative to the record that threw. */
  public String field() {
    return field;
  }
}
