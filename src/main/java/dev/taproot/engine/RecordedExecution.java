package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.ExecutionStatus;

/**
 * The latest committed attempt of (step, item key), from which a resumed or redriven run rebuilds
 * its state. {@code rerun} marks an item a redrive selected: its row is history, not a result.
 */
record RecordedExecution(
    String stepId,
    String itemKey,
    int attempt,
    ExecutionStatus status,
    String errorCode,
    JsonNode output,
    String spanId,
    boolean rerun) {

  RecordedExecution asRerun() {
    return new RecordedExecution(stepId, itemKey, attempt, status, errorCode, output, spanId, true);
  }
}
