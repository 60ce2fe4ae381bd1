package dev.taproot.checkpoint;

import java.util.Locale;

/** The outcome of one attempt as stored in its checkpoint. */
public enum ExecutionStatus {
  SUCCEEDED,
  FAILED,
  SKIPPED;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ExecutionStatus of(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
