package dev.taproot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;

/** Polls a run until it has finished, showing its progress, and returns its final view. */
final class RunWatcher {
  static final Duration INTERVAL = Duration.ofMillis(500);

  private final Client client;
  private final ProgressDisplay display;
  private final PrintWriter err;

  /** {@code display} null watches without showing anything (for --output json). */
  RunWatcher(Client client, ProgressDisplay display, PrintWriter err) {
    this.client = client;
    this.display = display;
    this.err = err;
  }

  JsonNode watch(String runId) {
    // Ctrl+C stops the watching, not the run: say so, and how to find it again.
    Thread hint =
        new Thread(
            () -> {
              err.printf(
                  "%nstopped watching; run %s goes on: taproot runs show %s%n", runId, runId);
              err.flush();
            });
    Runtime.getRuntime().addShutdownHook(hint);
    try {
      return poll(runId);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hint);
      } catch (IllegalStateException shuttingDown) {
        // the hint is printing
      }
    }
  }

  private JsonNode poll(String runId) {
    StepProgress progress = new StepProgress();
    long start = System.nanoTime();
    while (true) {
      JsonNode run = client.get(Client.path("runs", runId));
      boolean finished = !"running".equals(run.path("status").asText());
      if (display != null) {
        long now = System.nanoTime();
        display.show(
            "run " + runId + " " + run.path("status").asText(),
            Duration.ofNanos(now - start),
            progress.update(run.path("progress"), now),
            finished);
      }
      if (finished) {
        return run;
      }
      try {
        Thread.sleep(INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(
            ExitCode.FAILED,
            "stopped watching; run " + runId + " goes on: taproot runs show " + runId);
      }
    }
  }

  /** 0 when the run succeeded, 1 otherwise (failed or cancelled). */
  static int exitCode(JsonNode run) {
    return "succeeded".equals(run.path("status").asText()) ? ExitCode.OK : ExitCode.FAILED;
  }
}
