package dev.taproot.engine;

/**
 * A pinned module could not be made ready to run: it is gone from the registry, or it no longer
 * compiles on this runtime. The attempt fails as {@code INTERNAL}.
 */
public class ModuleUnavailableException extends RuntimeException {
  ModuleUnavailableException(String digest, String why, Exception cause) {
    super("registered module " + digest + " " + why + ": " + cause.getMessage(), cause);
  }
}
