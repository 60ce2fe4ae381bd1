package dev.taproot.function.runtime;

/**
 * The bytes are not a module Taproot can run as a {@code wasi} function. The message says what is
 * wrong and, where it can, how to build the module instead; it is shown to the user as is.
 */
public final class InvalidModuleException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidModuleException(String message) {
    super(message);
  }

  public InvalidModuleException(String message, Throwable cause) {
    super(message, cause);
  }
}
