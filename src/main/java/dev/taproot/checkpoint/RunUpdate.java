package dev.taproot.checkpoint;

import java.time.Instant;
import java.util.Objects;

/**
 * A run's new status, committed in order with the checkpoints that led to it. It applies only while
 * the run is still at {@code generation}: a control action that won in between (a cancel, a
 * redrive) has the last word.
 */
public record RunUpdate(
    String runId,
    int generation,
    RunStatus status,
    Payload output,
    RunError error,
    Instant finishedAt,
    EndedCounts ended) {
  public RunUpdate {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
  }

  public static RunUpdate succeeded(String runId, int generation, Payload output, Instant at) {
    return new RunUpdate(runId, generation, RunStatus.SUCCEEDED, output, null, at, null);
  }

  public static RunUpdate failed(String runId, int generation, RunError error, Instant at) {
    return new RunUpdate(runId, generation, RunStatus.FAILED, null, error, at, null);
  }

  public static RunUpdate cancelled(String runId, int generation, Instant at) {
    return new RunUpdate(
        runId, generation, RunStatus.CANCELLED, null, RunError.CANCELLED_BY_REQUEST, at, null);
  }

  /** This update with the run's counts per step, stored with it. */
  public RunUpdate withEnded(EndedCounts counts) {
    return new RunUpdate(runId, generation, status, output, error, finishedAt, counts);
  }
}
