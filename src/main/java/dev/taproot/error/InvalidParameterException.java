package dev.taproot.error;

/** A query or path parameter with a value the API cannot use. */
public final class InvalidParameterException extends RuntimeException {
  private final String parameter;

  public InvalidParameterException(String parameter, String message) {
    super("parameter '" + parameter + "': " + message);
    this.parameter = parameter;
  }

  public String parameter() {
    return parameter;
  }
}
