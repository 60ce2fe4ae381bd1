package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taproot redrive RUN}: re-executes failed (or chosen) items as new attempts. */
@Command(
    name = "redrive",
    description = {
      "Re-execute the failed items of a run as new attempts.",
      "Selects the failed and skipped items of RUN (or --items), optionally from an earlier step",
      "and with other function versions; every other checkpoint is reused."
    })
final class RedriveCommand extends ServerCommand {
  @Parameters(paramLabel = "RUN", description = "The run id.")
  String runId;

  @Option(
      names = "--items",
      paramLabel = "KEY",
      split = ",",
      description = "Only these item keys (comma-separated); default: the failed ones.")
  List<String> items;

  @Option(
      names = "--from",
      paramLabel = "STEP",
      description = "Start at this step even where it succeeded (a fix for bad data upstream).")
  String from;

  @Option(
      names = "--function",
      paramLabel = "ALIAS=REF",
      description = "Use another function version for an alias, e.g. parse=parse-order@2.")
  Map<String, String> functions;

  @Option(
      names = {"-w", "--wait"},
      description = "Wait for the run to finish, with progress, and exit 1 if it fails again.")
  boolean await;

  @Mixin WatchOptions watch;

  @Override
  public Integer call() {
    ObjectNode body = Json.MAPPER.createObjectNode();
    if (items != null) {
      items.forEach(body.putArray("items")::add);
    }
    if (from != null) {
      body.put("from", from);
    }
    if (functions != null) {
      ObjectNode fns = body.putObject("functions");
      functions.forEach(fns::put);
    }
    JsonNode answer =
        client().post(Client.path("runs", runId, "redrive"), "application/json", Json.bytes(body));
    if (!await) {
      return show(answer, this::printSelection);
    }
    if (!json()) {
      printSelection(answer);
      out().flush();
    }
    JsonNode run = new RunWatcher(client(), watch.display(io(), json()), io().err()).watch(runId);
    show(run, r -> RunText.print(out(), r));
    return RunWatcher.exitCode(run);
  }

  private void printSelection(JsonNode a) {
    out()
        .printf(
            "run %s %s: %d execution(s) again: %s%n",
            a.path("runId").asText(),
            a.path("status").asText(),
            a.path("executions").asInt(),
            String.join(" ", Json.MAPPER.convertValue(a.path("items"), String[].class)));
  }
}
