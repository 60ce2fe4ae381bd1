package dev.taproot.checkpoint;

import java.time.Instant;
import java.util.List;

/**
 * One attempt of (run, step, item key), ready to be committed: the checkpoint row with the payloads
 * and lineage edges that go with it.
 */
public record ExecutionRecord(
    String runId,
    String workflow,
    String stepId,
    String itemKey,
    int attempt,
    long itemOrder,
    ExecutionStatus status,
    String functionRef,
    String functionDigest,
    Payload input,
    Payload output,
    String errorCode,
    String errorMessage,
    String logs,
    long seed,
    Instant startedAt,
    Instant finishedAt,
    long durationMicros,
    long queuedMicros,
    String traceId,
    String spanId,
    List<LineageEdge> edges) {

  public ExecutionRecord {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts are numbered from 1, got " + attempt);
    }
    edges = List.copyOf(edges);
  }

  /**
   * The checkpoint of an attempt that ran no function: a skip, a failed expression, an engine
   * fault.
   */
  public static ExecutionRecord withoutCall(
      String runId,
      String workflow,
      String stepId,
      String itemKey,
      int attempt,
      long itemOrder,
      ExecutionStatus status,
      String functionRef,
      String functionDigest,
      String errorCode,
      String errorMessage,
      Instant at,
      String traceId,
      List<LineageEdge> edges) {
    return new ExecutionRecord(
        runId,
        workflow,
        stepId,
        itemKey,
        attempt,
        itemOrder,
        status,
        functionRef,
        functionDigest,
        null,
        null,
        errorCode,
        errorMessage,
        null,
        0L,
        at,
        at,
        0L,
        0L,
        traceId,
        null,
        edges);
  }
}
