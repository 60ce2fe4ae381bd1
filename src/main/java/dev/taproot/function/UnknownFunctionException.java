package dev.taproot.function;

import dev.taproot.error.NotFoundException;

/** A function name, version or digest that is not registered. */
public final class UnknownFunctionException extends NotFoundException {
  public UnknownFunctionException(String what) {
    super("no function '" + what + "' is registered; list them with GET /api/v1/functions");
  }
}
