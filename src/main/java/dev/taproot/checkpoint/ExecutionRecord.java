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
}
