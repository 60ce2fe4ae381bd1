package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The server answered with an error; {@code problem} is its RFC 9457 body (or null when the body
 * was not JSON). A 400 means an argument was wrong, so it exits with the usage code.
 */
public final class ApiException extends CliException {
  private final int status;
  private final transient JsonNode problem;

  ApiException(int status, String message, JsonNode problem) {
    super(status == 400 ? ExitCode.USAGE : ExitCode.FAILED, message);
    this.status = status;
    this.problem = problem;
  }

  public int status() {
    return status;
  }

  public JsonNode problem() {
    return problem;
  }
}
