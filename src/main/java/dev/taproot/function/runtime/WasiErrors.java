package dev.taproot.function.runtime;

/**
 * The WASI preview 1 errno values our own host functions return (Chicory keeps its enum private).
 */
final class WasiErrors {
  static final int SUCCESS = 0;
  static final int BADF = 8;
  static final int FAULT = 21;
  static final int INVAL = 28;
  static final int NOTSUP = 58;
  static final int SPIPE = 70;

  private WasiErrors() {}
}
