package dev.taproot.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code taproot} command line: the HTTP API for terminals, scripts and CI jobs. */
@Command(
    name = "taproot",
    // -h/--help on every subcommand too
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    version = "taproot command line 0.1.0",
    description = "Drives a Taproot server: functions, workflows, runs, and tracing bad data back.",
    subcommands = {
      FunctionsCommand.class,
      WorkflowsCommand.class,
      RunCommand.class,
      RunsCommand.class,
      ItemsCommand.class,
      LineageCommand.class,
      OriginCommand.class,
      ReplayCommand.class,
      RedriveCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 done (run: succeeded); 1 the server refused the request, or the run failed;"
          + " 2 a wrong argument, an unreadable file, or no server at --server.",
      "Environment: TAPROOT_SERVER, the server's URL when --server is not given."
    })
public final class Taproot implements Runnable {
  public enum Output {
    text,
    json
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--server",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      defaultValue = "${env:TAPROOT_SERVER:-http://localhost:8080}",
      description = "The Taproot server (default: $TAPROOT_SERVER, else http://localhost:8080).")
  String server;

  @Option(
      names = {"-o", "--output"},
      scope = ScopeType.INHERIT,
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text (for people, the default) or json (the API's answer, for scripts).")
  Output output;

  private final Io io;

  Taproot(Io io) {
    this.io = io;
  }

  public static void main(String... args) {
    System.exit(commandLine(Io.system()).execute(args));
  }

  /** The command line wired to the given streams, with the exit codes of {@link ExitCode}. */
  public static CommandLine commandLine(Io io) {
    CommandLine cli = new CommandLine(new Taproot(io));
    cli.setOut(io.out());
    cli.setErr(io.err());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine at = e.getCommandLine();
          at.getErr().println("taproot: " + e.getMessage());
          if (e instanceof CommandLine.UnmatchedArgumentException
              && !at.getSubcommands().isEmpty()) {
            at.getErr()
                .println(
                    at.getCommandSpec().qualifiedName()
                        + " has: "
                        + String.join(", ", at.getSubcommands().keySet()));
          }
          at.getErr().println("see: " + at.getCommandSpec().qualifiedName() + " --help");
          at.getErr().flush();
          return ExitCode.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, at, parsed) -> {
          if (e instanceof CliException failure) {
            at.getErr().println("taproot: " + failure.getMessage());
            at.getErr().flush();
            return failure.exitCode();
          }
          at.getErr().println("taproot: unexpected error: " + e);
          e.printStackTrace(at.getErr());
          at.getErr().flush();
          return ExitCode.FAILED;
        });
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a command, e.g. taproot runs list");
  }

  Io io() {
    return io;
  }

  Client client() {
    return new Client(server);
  }

  boolean json() {
    return output == Output.json;
  }
}
