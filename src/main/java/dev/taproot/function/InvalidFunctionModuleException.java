package dev.taproot.function;

/** A module that cannot be registered: not WebAssembly, wrong imports, no entry point… */
public final class InvalidFunctionModuleException extends RuntimeException {
  private final String function;

  public InvalidFunctionModuleException(String function, String reason) {
    super("module for function '" + function + "' was rejected: " + reason);
    this.function = function;
  }

  public String function() {
    return function;
  }
}
