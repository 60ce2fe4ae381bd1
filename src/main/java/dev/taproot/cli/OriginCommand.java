package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code taproot origin RUN STEP KEY}: the earliest value upstream that fails a check. */
@Command(
    name = "origin",
    description = {
      "Find the earliest value upstream of a checkpoint that fails a check.",
      "The check is a CEL assertion over 'value', a JSON Schema, or (with neither) the step's",
      "contract.input."
    })
final class OriginCommand extends ServerCommand {
  @Mixin ItemRef item;

  @ArgGroup(exclusive = true)
  Check check;

  static final class Check {
    @Option(
        names = "--assert",
        paramLabel = "CEL",
        description = "A CEL expression over value, e.g. 'value.qty >= 1'.")
    String assertion;

    @Option(
        names = "--schema",
        paramLabel = "FILE",
        description = "A JSON Schema file the value must satisfy.")
    String schema;
  }

  @Override
  public Integer call() {
    ObjectNode body = Json.MAPPER.createObjectNode();
    if (check != null && check.assertion != null) {
      body.put("assert", check.assertion);
    } else if (check != null) {
      body.set("schema", Json.parse(io().read(check.schema, "schema"), "schema " + check.schema));
    }
    JsonNode answer = client().post(item.path("origin"), "application/json", Json.bytes(body));
    return show(
        answer,
        a -> {
          out().println(a.path("message").asText());
          for (JsonNode link : a.path("chain")) {
            out()
                .printf(
                    "  %-28s %-6s %-5s %s%n",
                    link.path("node").asText(),
                    link.path("side").asText(),
                    link.path("verdict").asText(),
                    Json.compact(link.path("value")));
          }
        });
  }
}
