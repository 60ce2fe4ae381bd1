package dev.taproot.checkpoint;

import java.util.Locale;

/** Where a run stands. Only {@code RUNNING} runs are resumed at start-up. */
public enum RunStatus {
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean finished() {
    return this != RUNNING;
  }

  public static RunStatus of(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
