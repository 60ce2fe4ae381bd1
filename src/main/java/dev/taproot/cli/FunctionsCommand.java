package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code taproot functions push|list|show}: the function registry. */
@Command(
    name = "functions",
    description = "Register Wasm modules and list their versions.",
    subcommands = {
      FunctionsCommand.Push.class,
      FunctionsCommand.ListFunctions.class,
      FunctionsCommand.Show.class
    })
final class FunctionsCommand {

  @Command(
      name = "push",
      description =
          "Register FILE as a new version of function NAME (an identical module keeps its version).")
  static final class Push extends ServerCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The function's name.")
    String name;

    @Parameters(index = "1", paramLabel = "FILE", description = "The .wasm module, or - for stdin.")
    String file;

    @Option(
        names = "--abi",
        paramLabel = "ABI",
        description = "wasi (a WASI command module, the default) or extism (an Extism plug-in).")
    String abi;

    @Override
    public Integer call() {
      byte[] module = io().read(file, "module");
      JsonNode registered =
          client()
              .send(
                  "PUT",
                  Client.path("functions", name),
                  Client.query("abi", abi),
                  "application/wasm",
                  module);
      return show(
          registered,
          r ->
              out()
                  .printf(
                      "%s@%d  %s  %s, %d bytes, exports %s%n",
                      r.path("name").asText(),
                      r.path("version").asInt(),
                      r.path("digest").asText(),
                      r.path("abi").asText(),
                      r.path("size").asLong(),
                      r.path("exports")));
    }
  }

  @Command(name = "list", description = "Every function with its latest version.")
  static final class ListFunctions extends ServerCommand {
    @Override
    public Integer call() {
      return show(
          client().get(Client.path("functions")),
          list -> {
            Table table = new Table("NAME", "LATEST", "VERSIONS", "ABI", "DIGEST");
            for (JsonNode f : list) {
              JsonNode latest = latest(f);
              table.row(
                  f.path("name"),
                  f.path("latestVersion"),
                  f.path("versions").size(),
                  latest.path("abi"),
                  latest.path("digest"));
            }
            table.print(out());
          });
    }
  }

  @Command(name = "show", description = "Every version of function NAME.")
  static final class Show extends ServerCommand {
    @Parameters(paramLabel = "NAME", description = "The function's name.")
    String name;

    @Override
    public Integer call() {
      return show(
          client().get(Client.path("functions", name), Map.of()),
          f -> {
            out().println(f.path("name").asText() + " (latest " + f.path("latestVersion") + ")");
            Table table = new Table("VERSION", "DIGEST", "ABI", "SIZE", "EXPORTS", "CREATED");
            for (JsonNode v : f.path("versions")) {
              table.row(
                  v.path("version"),
                  v.path("digest"),
                  v.path("abi"),
                  v.path("size"),
                  String.join(",", Json.MAPPER.convertValue(v.path("exports"), String[].class)),
                  v.path("createdAt"));
            }
            table.print(out());
          });
    }
  }

  private static JsonNode latest(JsonNode function) {
    JsonNode versions = function.path("versions");
    return versions.size() == 0 ? Json.MAPPER.missingNode() : versions.get(versions.size() - 1);
  }
}
