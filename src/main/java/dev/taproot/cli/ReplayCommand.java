package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code taproot replay RUN STEP KEY}: a dry run of one checkpoint; changes nothing. */
@Command(
    name = "replay",
    description = {
      "Dry-run one checkpoint again and compare with what was recorded; changes nothing.",
      "Uses the recorded input, clock and seed (or --input), and the recorded function (or",
      "--function)."
    })
final class ReplayCommand extends ServerCommand {
  @Mixin ItemRef item;

  @Option(
      names = "--function",
      paramLabel = "REF",
      description = "Another function version to try, e.g. parse-order@2.")
  String function;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description = "An edited input (JSON, - for stdin) instead of the recorded one.")
  String input;

  @Override
  public Integer call() {
    ObjectNode body = Json.MAPPER.createObjectNode();
    if (function != null) {
      body.put("function", function);
    }
    if (input != null) {
      body.set("input", Json.parse(io().read(input, "input"), "input " + input));
    }
    JsonNode result = client().post(item.path("replay"), "application/json", Json.bytes(body));
    return show(
        result,
        r -> {
          out()
              .printf(
                  "replay of %s/%s with %s: %s, %s the recorded %s%n",
                  r.path("step").asText(),
                  r.path("key").asText(),
                  r.path("functionRef").asText(),
                  r.path("status").asText(),
                  r.path("identical").asBoolean() ? "identical to" : "differs from",
                  r.path("recordedStatus").asText());
          out().println("output: " + Json.compact(r.path("output")));
          if (r.hasNonNull("errorCode")) {
            out()
                .println(
                    "error:  "
                        + r.path("errorCode").asText()
                        + " "
                        + r.path("errorMessage").asText());
          }
          for (JsonNode change : r.path("diff")) {
            out().println("  " + Json.compact(change));
          }
        });
  }
}
