package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code taproot lineage RUN STEP KEY}: where a value came from, or where it went. */
@Command(
    name = "lineage",
    description =
        "The lineage graph of one checkpoint: upstream back to the run input record, or"
            + " downstream to the run output.")
final class LineageCommand extends ServerCommand {
  @Mixin ItemRef item;

  @Option(
      names = "--direction",
      paramLabel = "DIR",
      defaultValue = "upstream",
      description = "upstream (the default) or downstream.")
  String direction;

  @Option(names = "--no-values", description = "Leave the values out (smaller, faster).")
  boolean noValues;

  @Override
  public Integer call() {
    JsonNode graph =
        client()
            .get(
                item.path("lineage"),
                Client.query("direction", direction, "values", noValues ? "false" : null));
    return show(
        graph,
        g -> {
          out()
              .printf(
                  "%s lineage of %s in run %s%s%n",
                  g.path("direction").asText(),
                  g.path("root").asText(),
                  g.path("runId").asText(),
                  g.path("truncated").asBoolean() ? " (truncated)" : "");
          Table nodes = new Table("NODE", "KIND", "STATUS", "FUNCTION", "VALUE");
          for (JsonNode n : g.path("nodes")) {
            nodes.row(
                n.path("id"),
                n.path("kind"),
                n.path("status"),
                n.path("functionRef"),
                Json.compact(n.has("output") ? n.get("output") : n.get("input")));
          }
          nodes.print(out());
          for (JsonNode e : g.path("edges")) {
            out()
                .printf(
                    "  %s -> %s  via %s%n",
                    e.path("from").asText(), e.path("to").asText(), e.path("path").asText());
          }
        });
  }
}
