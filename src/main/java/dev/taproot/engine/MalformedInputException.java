package dev.taproot.engine;

/** A run input that is not JSON (or an x-ndjson line that is not), with where it breaks. */
public final class MalformedInputException extends RuntimeException {
  private final Integer line;

  public MalformedInputException(Integer line, String message) {
    super(message);
    this.line = line;
  }

  public Integer line() {
    return line;
  }
}
