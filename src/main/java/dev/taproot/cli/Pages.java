package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/** The line under a paged listing that says how to get the rest. */
final class Pages {
  private Pages() {}

  static void footer(PrintWriter out, JsonNode page, String what) {
    long total = page.path("total").asLong();
    int number = page.path("page").asInt();
    int size = page.path("size").asInt();
    long shown = (long) number * size + page.path("items").size();
    if (shown < total) {
      out.printf("%d of %d %s shown; next: --page %d%n", shown, total, what, number + 1);
    } else if (total == 0) {
      out.printf("no %s%n", what);
    }
  }
}
