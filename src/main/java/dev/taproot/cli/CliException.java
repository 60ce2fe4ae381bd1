package dev.taproot.cli;

/** A failure the user can act on, printed as {@code taproot: message}, with its exit code. */
public class CliException extends RuntimeException {
  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** A local argument is wrong: a file that cannot be read, a value that does not parse. */
  public static CliException usage(String message) {
    return new CliException(ExitCode.USAGE, message);
  }
}
