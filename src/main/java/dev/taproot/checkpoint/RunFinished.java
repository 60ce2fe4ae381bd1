package dev.taproot.checkpoint;

/**
 * Fired synchronously on the writer thread once a run's final status is committed, for the
 * observers that trace, count and announce it without knowing the engine.
 */
public record RunFinished(RunUpdate update, String workflow, String traceId) {
  public String runId() {
    return update.runId();
  }

  public RunStatus status() {
    return update.status();
  }
}
