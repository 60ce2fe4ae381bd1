package dev.taproot.checkpoint;

import java.util.Objects;

/**
 * One row of the {@code execution} table: an attempt of an item and how it ended. The one shape in
 * which checkpoints are written and read; {@link ExecutionStore} maps it to named columns.
 *
 * @param order the item's position in its step (the record order of the run input)
 * @param inputDigest the digest of the input the function was given; null when it ran no function
 */
public record Checkpoint(
    AttemptRef attempt,
    long order,
    FunctionUsed function,
    String inputDigest,
    Outcome outcome,
    Guest guest,
    Timing timing,
    SpanRef span) {
  public Checkpoint {
    Objects.requireNonNull(attempt, "attempt");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(timing, "timing");
    guest = guest == null ? Guest.NONE : guest;
    span = span == null ? new SpanRef(null, null) : span;
  }

  public ItemRef item() {
    return attempt.item();
  }

  public String runId() {
    return attempt.runId();
  }

  public Checkpoint withSpanId(String spanId) {
    return new Checkpoint(
        attempt,
        order,
        function,
        inputDigest,
        outcome,
        guest,
        timing,
        new SpanRef(span.traceId(), spanId));
  }
}
