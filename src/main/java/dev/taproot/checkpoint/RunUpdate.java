package dev.taproot.checkpoint;

import java.time.Instant;

/** A run's new status, committed in order with the checkpoints that led to it. */
public record RunUpdate(
    String runId,
    String status,
    Payload output,
    String errorCode,
    String errorMessage,
    Instant finishedAt) {}
