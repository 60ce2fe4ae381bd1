package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taproot run WORKFLOW}: starts a run and follows it to the end. */
@Command(
    name = "run",
    description = {
      "Start a run of a workflow and wait for it, showing progress.",
      "Runs the latest version of WORKFLOW; shows a progress bar per step on a terminal and plain"
          + " lines otherwise.",
      "Exits 0 when the run succeeds and 1 when it fails or is cancelled."
    })
final class RunCommand extends ServerCommand {
  @Parameters(index = "0", paramLabel = "WORKFLOW", description = "The workflow's name.")
  String workflow;

  @ArgGroup(exclusive = true)
  Input input;

  static final class Input {
    @Option(
        names = "--input",
        paramLabel = "FILE",
        description = "The run input, one JSON document (- for stdin). Default: {}.")
    String json;

    @Option(
        names = "--ndjson",
        paramLabel = "FILE",
        description = "Records, one JSON value per line (- for stdin); item key = line number - 1.")
    String ndjson;
  }

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "-",
      description = "Read the JSON input from stdin (like --input -).")
  String stdin;

  @Option(
      names = {"-d", "--detach"},
      description = "Print the run id and return without waiting.")
  boolean detach;

  @Mixin WatchOptions watch;

  @Override
  public Integer call() {
    if (stdin != null && (!stdin.equals("-") || input != null)) {
      throw CliException.usage(
          "'"
              + stdin
              + "' is not an input here: give one of --input FILE, --ndjson FILE or - (stdin)");
    }
    String contentType = "application/json";
    byte[] body = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (input != null && input.ndjson != null) {
      contentType = "application/x-ndjson";
      body = io().read(input.ndjson, "records");
    } else if (input != null || stdin != null) {
      String file = input != null ? input.json : stdin;
      body = io().read(file, "input");
      Json.parse(body, file.equals("-") ? "the input on stdin" : "input " + file);
    }
    JsonNode started = client().post(Client.path("workflows", workflow, "runs"), contentType, body);
    String runId = started.path("runId").asText();
    if (detach) {
      return show(started, s -> out().println(runId));
    }
    if (!json()) {
      io().err()
          .printf(
              "run %s of %s started (trace %s)%n",
              runId, workflow, started.path("traceId").asText());
    }
    JsonNode run = new RunWatcher(client(), watch.display(io(), json()), io().err()).watch(runId);
    show(run, r -> RunText.print(out(), r));
    return RunWatcher.exitCode(run);
  }
}
