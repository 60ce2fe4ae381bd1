package dev.taproot.telemetry;

/** How many runs this instance is scheduling now; the engine provides it for the gauge. */
public interface LiveRuns {
  int liveRuns();
}
