package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taproot runs list|show|cancel}. */
@Command(
    name = "runs",
    description = "List runs, show one, cancel one.",
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Cancel.class})
final class RunsCommand {

  @Command(name = "list", description = "Runs, newest first.")
  static final class ListRuns extends ServerCommand {
    @Option(names = "--workflow", paramLabel = "NAME", description = "Only this workflow's runs.")
    String workflow;

    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description = "Only runs with this status: running, succeeded, failed or cancelled.")
    String status;

    @Mixin PageOptions paging;

    @Override
    public Integer call() {
      JsonNode answer =
          client()
              .get(
                  Client.path("runs"),
                  Client.query(
                      "workflow",
                      workflow,
                      "status",
                      status,
                      "page",
                      paging.page(),
                      "size",
                      paging.size()));
      return show(
          answer,
          a -> {
            Table table = new Table("RUN", "WORKFLOW", "VERSION", "STATUS", "CREATED", "FINISHED");
            for (JsonNode r : a.path("items")) {
              table.row(
                  r.path("runId"),
                  r.path("workflow"),
                  r.path("version"),
                  r.path("status"),
                  r.path("createdAt"),
                  r.path("finishedAt"));
            }
            table.print(out());
            Pages.footer(out(), a, "runs");
          });
    }
  }

  @Command(name = "show", description = "A run's status, counts per step, output or error.")
  static final class Show extends ServerCommand {
    @Parameters(paramLabel = "RUN", description = "The run id.")
    String runId;

    @Override
    public Integer call() {
      return show(client().get(Client.path("runs", runId)), r -> RunText.print(out(), r));
    }
  }

  @Command(
      name = "cancel",
      description = "Stop a run; finished checkpoints stay, and it can be redriven.")
  static final class Cancel extends ServerCommand {
    @Parameters(paramLabel = "RUN", description = "The run id.")
    String runId;

    @Override
    public Integer call() {
      return show(
          client().post(Client.path("runs", runId, "cancel"), "application/json", new byte[0]),
          a ->
              out()
                  .printf(
                      "run %s %s; its finished checkpoints stay (taproot redrive %s resumes it)%n",
                      runId, a.path("status").asText(), runId));
    }
  }
}
