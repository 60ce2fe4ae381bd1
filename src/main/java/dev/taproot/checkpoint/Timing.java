package dev.taproot.checkpoint;

import java.time.Instant;

/** When an attempt ran, how long it took and how long it waited for a worker before. */
public record Timing(
    Instant startedAt, Instant finishedAt, long durationMicros, long queuedMicros) {
  /** An attempt that ran no function: it started and ended at once. */
  public static Timing instant(Instant at) {
    return new Timing(at, at, 0L, 0L);
  }
}
