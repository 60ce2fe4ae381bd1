package dev.taproot.checkpoint;

import java.util.Objects;

/**
 * Why a run did not succeed. {@code code} is null for a cancel, which is no error of the run's own.
 */
public record RunError(Code code, String message) {
  /** The codes a run can end with, besides the failure codes of its items. */
  public enum Code {
    /** Items failed; the message counts them and names their steps. */
    STEP_FAILED,
    /** The workflow's {@code output} expression failed. */
    EXPRESSION,
    /** A fault in Taproot itself while scheduling the run. */
    INTERNAL;

    /** A stored code; null for none, and codes this version does not know read as INTERNAL. */
    static Code of(String stored) {
      if (stored == null) {
        return null;
      }
      for (Code c : values()) {
        if (c.name().equals(stored)) {
          return c;
        }
      }
      return INTERNAL;
    }
  }

  public static final RunError CANCELLED_BY_REQUEST = new RunError(null, "cancelled by request");

  public RunError {
    Objects.requireNonNull(message, "message");
  }

  public String codeId() {
    return code == null ? null : code.name();
  }
}
