package dev.psyarn.mapreduce.preprocess;

/** A record that cannot be read or featurized; counted and skipped up to the spec's threshold. */
public final class BadRecordException extends RuntimeException {

  public BadRecordException(String message) {
    super(message, null, false, false);
  }
}
