package dev.taproot.engine;

import java.util.Locale;

/** Where one item of one step stands inside a live run. */
public enum ItemStatus {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  SKIPPED;

  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == SKIPPED;
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
