package dev.taproot.error;

/** The request is well formed but the resource's state does not allow it. */
public class ConflictException extends RuntimeException {
  public ConflictException(String message) {
    super(message);
  }
}
