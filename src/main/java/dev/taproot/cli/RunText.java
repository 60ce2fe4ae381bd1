package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** A run view ({@code GET /runs/{id}}) as text: status, counts per step, output or error. */
final class RunText {
  private RunText() {}

  static void print(PrintWriter out, JsonNode run) {
    String id = run.path("runId").asText();
    out.printf(
        "run %s  %s v%d  %s%s%n",
        id,
        run.path("workflow").asText(),
        run.path("version").asInt(),
        run.path("status").asText(),
        took(run));
    if (run.hasNonNull("traceId")) {
      out.println("trace " + run.path("traceId").asText());
    }
    JsonNode progress = run.path("progress");
    int width = 4;
    for (var it = progress.fieldNames(); it.hasNext(); ) {
      width = Math.max(width, it.next().length());
    }
    for (var it = progress.fields(); it.hasNext(); ) {
      var step = it.next();
      StringBuilder counts = new StringBuilder();
      step.getValue()
          .fields()
          .forEachRemaining(
              c -> {
                if (c.getValue().asInt() > 0) {
                  counts.append(c.getValue().asInt()).append(' ').append(c.getKey()).append("  ");
                }
              });
      out.printf(
          "  %-" + width + "s %s%n",
          step.getKey(),
          counts.length() == 0 ? "not started" : counts.toString().strip());
    }
    if (run.hasNonNull("error")) {
      JsonNode error = run.path("error");
      out.println(
          "error: "
              + (error.hasNonNull("code") ? error.path("code").asText() + " " : "")
              + error.path("message").asText());
    }
    if (run.hasNonNull("output")) {
      out.println("output: " + Json.compact(run.path("output")));
    }
    for (var it = progress.fields(); it.hasNext(); ) {
      var step = it.next();
      if (step.getValue().path("failed").asInt() > 0) {
        out.printf("failed items: taproot items %s %s --failed%n", id, step.getKey());
      }
    }
  }

  private static String took(JsonNode run) {
    if (!run.hasNonNull("createdAt") || !run.hasNonNull("finishedAt")) {
      return "";
    }
    try {
      Duration d =
          Duration.between(
              Instant.parse(run.path("createdAt").asText()),
              Instant.parse(run.path("finishedAt").asText()));
      return String.format(" in %.1f s", d.toMillis() / 1000.0);
    } catch (DateTimeParseException e) {
      return "";
    }
  }
}
