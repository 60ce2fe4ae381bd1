package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code taproot workflows submit|list|show}: workflow definitions. */
@Command(
    name = "workflows",
    description = "Submit workflow definitions and read them back.",
    subcommands = {
      WorkflowsCommand.Submit.class,
      WorkflowsCommand.ListWorkflows.class,
      WorkflowsCommand.Show.class
    })
final class WorkflowsCommand {

  @Command(
      name = "submit",
      description = {
        "Validate FILE and store it as the workflow's next version.",
        "Errors are printed as FILE:LINE:COLUMN: PATH: MESSAGE, which editors and CI jump to."
      })
  static final class Submit extends ServerCommand {
    @Parameters(paramLabel = "FILE", description = "The YAML definition, or - for stdin.")
    String file;

    @Override
    public Integer call() {
      byte[] yaml = io().read(file, "workflow");
      JsonNode submitted;
      try {
        submitted = client().post(Client.path("workflows"), "application/yaml", yaml);
      } catch (ApiException e) {
        if (e.status() != 422 || e.problem() == null || !e.problem().has("errors")) {
          throw e;
        }
        return invalid(e.problem());
      }
      return show(
          submitted,
          s ->
              out()
                  .printf(
                      "%s version %d submitted%n",
                      s.path("name").asText(), s.path("version").asInt()));
    }

    private int invalid(JsonNode problem) {
      if (json()) {
        out().println(Json.pretty(problem));
        out().flush();
        return ExitCode.FAILED;
      }
      String name = file.equals("-") ? "<stdin>" : file;
      JsonNode errors = problem.path("errors");
      for (JsonNode error : errors) {
        String path = error.path("path").asText();
        io().err()
            .printf(
                "%s:%d:%d: %s: %s%n",
                name,
                error.path("line").asInt(),
                error.path("column").asInt(),
                path.isEmpty() ? "(root)" : path,
                error.path("message").asText());
      }
      io().err().printf("taproot: %d error(s) in %s, nothing stored%n", errors.size(), name);
      io().err().flush();
      return ExitCode.FAILED;
    }
  }

  @Command(name = "list", description = "Every workflow with its latest version.")
  static final class ListWorkflows extends ServerCommand {
    @Override
    public Integer call() {
      return show(
          client().get(Client.path("workflows")),
          list -> {
            Table table = new Table("NAME", "LATEST", "DESCRIPTION");
            for (JsonNode w : list) {
              table.row(w.path("name"), w.path("latestVersion"), w.path("description"));
            }
            table.print(out());
          });
    }
  }

  @Command(
      name = "show",
      description = "The YAML of a workflow version, as submitted with its refs pinned.")
  static final class Show extends ServerCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The workflow's name.")
    String name;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "VERSION",
        description = "Which version (default: the latest).")
    Integer version;

    @Override
    public Integer call() {
      int v =
          version != null
              ? version
              : client().get(Client.path("workflows", name)).path("latestVersion").asInt();
      String path = Client.path("workflows", name, "versions", Integer.toString(v));
      if (json()) {
        return show(client().get(path), x -> {});
      }
      out().print(client().getText(path, "application/yaml"));
      out().flush();
      return ExitCode.OK;
    }
  }
}
