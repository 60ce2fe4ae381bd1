package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to the server, with the global options of {@link Taproot}. */
abstract class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  Taproot root() {
    return (Taproot) spec.root().userObject();
  }

  Client client() {
    return root().client();
  }

  Io io() {
    return root().io();
  }

  PrintWriter out() {
    return io().out();
  }

  boolean json() {
    return root().json();
  }

  /** Prints the answer as JSON with --output json, else as text; exits 0. */
  int show(JsonNode answer, java.util.function.Consumer<JsonNode> asText) {
    if (json()) {
      out().println(Json.pretty(answer));
    } else {
      asText.accept(answer);
    }
    out().flush();
    return ExitCode.OK;
  }
}
