package dev.taproot.function;

/** A module over {@code taproot.functions.max-module-size}. */
public final class ModuleTooLargeException extends RuntimeException {
  public ModuleTooLargeException(String function, long size, long max) {
    super(
        "module for function '"
            + function
            + "' is "
            + size
            + " bytes, over the limit of "
            + max
            + " bytes; strip debug sections (wasm-opt --strip-debug) or raise taproot.functions.max-module-size");
  }
}
