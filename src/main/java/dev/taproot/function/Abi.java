package dev.taproot.function;

import dev.taproot.error.InvalidParameterException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a module receives its input and returns its output (SPEC §3). */
public enum Abi {
  WASI,
  EXTISM;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Abi parse(String value) {
    if (value == null || value.isBlank()) {
      return WASI;
    }
    for (Abi abi : values()) {
      if (abi.id().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return abi;
      }
    }
    throw new InvalidParameterException(
        "abi",
        "unknown abi '"
            + value
            + "': use one of "
            + Arrays.stream(values()).map(Abi::id).collect(Collectors.joining(", ")));
  }
}
