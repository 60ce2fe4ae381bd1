package dev.taproot.engine;

import dev.taproot.checkpoint.ExecutionStatus;

/**
 * The latest committed attempt of (step, item key), from which a resumed or redriven run rebuilds
 * its state. {@code rerun} marks an item a redrive selected: its row is history, not a result. Only
 * the output's digest is kept: the value is read when a re-executed item needs it, so restarting a
 * run of 100,000 items does not read 100,000 payloads first.
 */
record RecordedExecution(
    String stepId,
    String itemKey,
    int attempt,
    ExecutionStatus status,
    String errorCode,
    String outputDigest,
    String spanId,
    long order,
    boolean rerun) {

  /** Failed, or skipped because something upstream failed: what a plain redrive re-executes. */
  boolean failedOrBlocked() {
    return status == ExecutionStatus.FAILED
        || (status == ExecutionStatus.SKIPPED
            && dev.taproot.function.FailureCode.UPSTREAM.name().equals(errorCode));
  }

  RecordedExecution asRerun() {
    return new RecordedExecution(
        stepId, itemKey, attempt, status, errorCode, outputDigest, spanId, order, true);
  }
}
