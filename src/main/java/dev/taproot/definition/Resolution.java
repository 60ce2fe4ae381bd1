package dev.taproot.definition;

import java.util.Objects;

/** What a {@link FunctionResolver} says about one ref. */
public sealed interface Resolution permits Resolution.Found, Resolution.NotFound {

  static Resolution found(ResolvedFunction function) {
    return new Found(function);
  }

  /**
   * @param reason shown to the user as is, e.g. "function 'x' has no version 7 (latest is 3)"
   */
  static Resolution notFound(String reason) {
    return new NotFound(reason);
  }

  record Found(ResolvedFunction function) implements Resolution {
    public Found {
      Objects.requireNonNull(function, "function");
    }
  }

  record NotFound(String reason) implements Resolution {
    public NotFound {
      if (reason == null || reason.isBlank()) {
        throw new IllegalArgumentException("say why the ref did not resolve");
      }
    }
  }
}
