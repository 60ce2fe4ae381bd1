package dev.taproot.engine;

import dev.taproot.function.FailureCode;
import java.util.EnumSet;
import java.util.Set;

/** Which failures another attempt could change; the rest are deterministic in the input. */
final class Retries {
  private static final Set<FailureCode> FINAL =
      EnumSet.of(
          FailureCode.CONTRACT,
          FailureCode.EXPRESSION,
          FailureCode.UPSTREAM,
          FailureCode.CANCELLED);

  private Retries() {}

  static boolean retryable(FailureCode code) {
    return !FINAL.contains(code);
  }
}
