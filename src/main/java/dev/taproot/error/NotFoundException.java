package dev.taproot.error;

/** Something the request names (a workflow, run, step or item) does not exist. */
public class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message);
  }
}
