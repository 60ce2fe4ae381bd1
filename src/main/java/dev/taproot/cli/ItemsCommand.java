package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taproot items RUN STEP [KEY]}: a step's executions, or one checkpoint. */
@Command(
    name = "items",
    description = {
      "The executions of a step, or one item's checkpoint.",
      "Without KEY: the executions of STEP in RUN, paged. With KEY: that item's checkpoint:",
      "input, output, error, logs, every attempt, function digest, seed and timings."
    })
final class ItemsCommand extends ServerCommand {
  @Parameters(index = "0", paramLabel = "RUN", description = "The run id.")
  String runId;

  @Parameters(index = "1", paramLabel = "STEP", description = "The step id.")
  String step;

  @Parameters(index = "2", arity = "0..1", paramLabel = "KEY", description = "One item's key.")
  String key;

  @Option(names = "--failed", description = "Only failed items (same as --status failed).")
  boolean failed;

  @Option(
      names = "--status",
      paramLabel = "STATUS",
      description = "Only items with this status: pending, running, succeeded, failed, skipped.")
  String status;

  @Mixin PageOptions paging;

  @Override
  public Integer call() {
    if (key != null) {
      return show(
          client().get(Client.path("runs", runId, "steps", step, "items", key)), this::checkpoint);
    }
    if (failed && status != null && !status.equals("failed")) {
      throw CliException.usage("--failed and --status " + status + " contradict each other");
    }
    JsonNode answer =
        client()
            .get(
                Client.path("runs", runId, "steps", step, "items"),
                Client.query(
                    "status", failed ? "failed" : status,
                    "page", paging.page(),
                    "size", paging.size()));
    return show(
        answer,
        a -> {
          Table table = new Table("KEY", "ATTEMPT", "STATUS", "FUNCTION", "MS", "ERROR");
          for (JsonNode i : a.path("items")) {
            JsonNode error = i.path("error");
            table.row(
                i.path("key"),
                i.path("attempt"),
                i.path("status"),
                i.path("functionRef"),
                i.path("durationMicros").asLong() / 1000,
                error.isObject()
                    ? error.path("code").asText() + " " + firstLine(error.path("message").asText())
                    : "");
          }
          table.print(out());
          Pages.footer(out(), a, "items");
        });
  }

  private void checkpoint(JsonNode c) {
    out()
        .printf(
            "%s/%s attempt %d  %s  %s (%s)%n",
            c.path("step").asText(),
            c.path("key").asText(),
            c.path("attempt").asInt(),
            c.path("status").asText(),
            c.path("functionRef").asText(),
            c.path("functionDigest").asText());
    out().println("input:  " + Json.compact(c.path("input")));
    out().println("output: " + Json.compact(c.path("output")));
    if (c.hasNonNull("error")) {
      out()
          .println(
              "error:  "
                  + c.path("error").path("code").asText()
                  + " "
                  + c.path("error").path("message").asText());
    }
    if (!c.path("logs").asText().isEmpty()) {
      out().println("logs:");
      c.path("logs").asText().lines().forEach(l -> out().println("  " + l));
    }
    out()
        .printf(
            "seed %s  started %s  %d ms  trace %s span %s%n",
            c.path("seed").asText(),
            c.path("startedAt").asText(),
            c.path("durationMicros").asLong() / 1000,
            c.path("traceId").asText(),
            c.path("spanId").asText());
    if (c.path("attempts").size() > 1) {
      Table table = new Table("ATTEMPT", "STATUS", "FUNCTION", "ERROR");
      for (JsonNode a : c.path("attempts")) {
        table.row(
            a.path("attempt"),
            a.path("status"),
            a.path("functionRef"),
            a.path("error").isObject() ? a.path("error").path("code").asText() : "");
      }
      table.print(out());
    }
  }

  private static String firstLine(String text) {
    return text.lines().findFirst().orElse("");
  }
}
