package dev.taproot.engine;

import dev.taproot.checkpoint.Outcome;
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

  /** Where an item stands once an attempt ended so. */
  static ItemStatus of(Outcome outcome) {
    return switch (outcome.status()) {
      case SUCCEEDED -> SUCCEEDED;
      case FAILED -> FAILED;
      case SKIPPED -> SKIPPED;
    };
  }
}
