package dev.taproot.checkpoint;

import dev.taproot.function.FailureCode;
import java.util.Objects;

/**
 * How one attempt ended. A checkpoint row stores it as {@code status}, {@code error_code} and
 * {@code error_message}; {@link #of} reads it back, so nothing above the store handles those
 * strings.
 */
public sealed interface Outcome
    permits Outcome.Succeeded, Outcome.Failed, Outcome.Skipped, Outcome.Cancelled {

  ExecutionStatus status();

  /** The failure code stored with the row; null for a success and a filtered skip. */
  FailureCode code();

  String message();

  /** The output digest stored with the row: a success's output, or one a contract refused. */
  String outputDigest();

  /** Failed, or skipped because something upstream failed: followers and fan-ins are blocked. */
  default boolean blocksDownstream() {
    return !(this instanceof Succeeded) && !filtered();
  }

  /** Skipped by a {@code when} that gave false: followers do not see the item at all. */
  default boolean filtered() {
    return this instanceof Skipped s && s.reason() == Skipped.Reason.FILTERED;
  }

  /** The function ran and gave {@code outputDigest}. */
  record Succeeded(String outputDigest) implements Outcome {
    public Succeeded {
      Objects.requireNonNull(outputDigest, "outputDigest");
    }

    @Override
    public ExecutionStatus status() {
      return ExecutionStatus.SUCCEEDED;
    }

    @Override
    public FailureCode code() {
      return null;
    }

    @Override
    public String message() {
      return null;
    }
  }

  /**
   * The attempt failed with {@code code}; {@code outputDigest} is the output a contract refused,
   * kept for trace-back, and null otherwise.
   */
  record Failed(FailureCode code, String message, String outputDigest) implements Outcome {
    public Failed {
      Objects.requireNonNull(code, "code");
      if (code == FailureCode.UPSTREAM || code == FailureCode.CANCELLED) {
        throw new IllegalArgumentException(
            code + " is not a failure of the attempt itself: use Skipped or Cancelled");
      }
    }

    public Failed(FailureCode code, String message) {
      this(code, message, null);
    }

    @Override
    public ExecutionStatus status() {
      return ExecutionStatus.FAILED;
    }
  }

  /** Not run: a {@code when} gave false ({@code FILTERED}) or an upstream item failed. */
  record Skipped(Reason reason, String message) implements Outcome {
    public enum Reason {
      FILTERED,
      UPSTREAM
    }

    public static Skipped byUpstream() {
      return new Skipped(Reason.UPSTREAM, "skipped: an upstream item failed");
    }

    public static Skipped byWhen() {
      return new Skipped(Reason.FILTERED, "when: condition was false");
    }

    public Skipped {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public ExecutionStatus status() {
      return ExecutionStatus.SKIPPED;
    }

    @Override
    public FailureCode code() {
      return reason == Reason.UPSTREAM ? FailureCode.UPSTREAM : null;
    }

    @Override
    public String outputDigest() {
      return null;
    }
  }

  /** Stopped from outside (the run was cancelled, or the service stopped) before it ended. */
  record Cancelled(String message) implements Outcome {
    @Override
    public ExecutionStatus status() {
      return ExecutionStatus.FAILED;
    }

    @Override
    public FailureCode code() {
      return FailureCode.CANCELLED;
    }

    @Override
    public String outputDigest() {
      return null;
    }
  }

  /**
   * How an attempt ended that the function (or the sandbox around it) reported with {@code code}: a
   * {@code CANCELLED} is no failure of the function's own.
   */
  static Outcome failure(FailureCode code, String message) {
    return code == FailureCode.CANCELLED ? new Cancelled(message) : new Failed(code, message);
  }

  /** Reads the outcome back from a row's columns; unknown codes read as {@code INTERNAL}. */
  static Outcome of(ExecutionStatus status, String code, String message, String outputDigest) {
    return switch (status) {
      case SUCCEEDED -> new Succeeded(outputDigest);
      case SKIPPED ->
          new Skipped(
              FailureCode.UPSTREAM.name().equals(code)
                  ? Skipped.Reason.UPSTREAM
                  : Skipped.Reason.FILTERED,
              message);
      case FAILED -> {
        FailureCode failure = failureCode(code);
        yield switch (failure) {
          case CANCELLED -> new Cancelled(message);
          case UPSTREAM -> new Skipped(Skipped.Reason.UPSTREAM, message);
          default -> new Failed(failure, message, outputDigest);
        };
      }
    };
  }

  private static FailureCode failureCode(String code) {
    if (code == null) {
      return FailureCode.INTERNAL;
    }
    for (FailureCode c : FailureCode.values()) {
      if (c.name().equals(code)) {
        return c;
      }
    }
    return FailureCode.INTERNAL;
  }
}
