package dev.taproot.function.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.function.FailureCode;
import java.time.Duration;
import java.util.Objects;

/** The outcome of one execution. Guest misbehaviour is a {@link Failed}, never an exception. */
public sealed interface ExecutionResult {

  /** The tail of the guest's stderr (at most 64 KiB of UTF-8, cut on a character boundary). */
  String logs();

  /** Wall-clock time from the start of instantiation to the end of the guest. */
  Duration elapsed();

  /**
   * The guest exited 0 and printed one JSON value.
   *
   * @param output the parsed value
   * @param outputBytes stdout exactly as the guest wrote it (what a replay compares)
   */
  record Succeeded(JsonNode output, byte[] outputBytes, String logs, Duration elapsed)
      implements ExecutionResult {
    public Succeeded {
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(outputBytes, "outputBytes");
      Objects.requireNonNull(logs, "logs");
      Objects.requireNonNull(elapsed, "elapsed");
    }
  }

  /**
   * The execution failed.
   *
   * @param message what happened and what to check, for the person reading the checkpoint
   */
  record Failed(FailureCode code, String message, String logs, Duration elapsed)
      implements ExecutionResult {
    public Failed {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(logs, "logs");
      Objects.requireNonNull(elapsed, "elapsed");
    }
  }
}
