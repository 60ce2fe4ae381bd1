package dev.taproot.checkpoint;

/**
 * The trace and span of an attempt; the span id is null when the attempt's span was not exported.
 */
public record SpanRef(String traceId, String spanId) {}
