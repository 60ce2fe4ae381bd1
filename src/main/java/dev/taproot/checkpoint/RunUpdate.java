package dev.taproot.checkpoint;

import java.time.Instant;
import java.util.Objects;

/** A run's new status, committed in order with the checkpoints that led to it. */
public record RunUpdate(
    String runId, RunStatus status, Payload output, RunError error, Instant finishedAt) {
  public RunUpdate {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
  }

  public static RunUpdate succeeded(String runId, Payload output, Instant at) {
    return new RunUpdate(runId, RunStatus.SUCCEEDED, output, null, at);
  }

  public static RunUpdate failed(String runId, RunError error, Instant at) {
    return new RunUpdate(runId, RunStatus.FAILED, null, error, at);
  }

  public static RunUpdate cancelled(String runId, Instant at) {
    return new RunUpdate(runId, RunStatus.CANCELLED, null, RunError.CANCELLED_BY_REQUEST, at);
  }
}
