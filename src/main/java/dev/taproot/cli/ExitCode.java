package dev.taproot.cli;

/** What scripts and CI jobs can rely on: the exit codes of every command. */
public final class ExitCode {
  /** The command did what it was asked; for {@code run}, the run succeeded. */
  public static final int OK = 0;

  /** The server refused the request (not found, conflict, invalid), or the run failed. */
  public static final int FAILED = 1;

  /** A wrong argument, an unreadable file, or no server at the address. */
  public static final int USAGE = 2;

  private ExitCode() {}
}
