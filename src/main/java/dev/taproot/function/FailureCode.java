package dev.taproot.function;

/** Why an execution failed (SPEC §3). Stored with each failed checkpoint. */
public enum FailureCode {
  /** The guest trapped: unreachable (a panic or abort), out-of-bounds access, stack exhaustion. */
  TRAP,
  /**
   * The guest exited with a non-zero code; for an Extism plug-in, its function returned non-zero or
   * it set an error.
   */
  EXIT,
  /** The guest was still running when its time limit ran out. */
  TIMEOUT,
  /** The guest needed more linear memory than its limit allows. */
  MEMORY_LIMIT,
  /**
   * The guest wrote more to stdout (a plug-in: gave output_set more) than its output limit allows.
   */
  OUTPUT_LIMIT,
  /** The guest exited 0 but its stdout (a plug-in: its output) is not exactly one JSON value. */
  BAD_OUTPUT,
  /** The input or output broke the step's JSON Schema contract. */
  CONTRACT,
  /** Not run because an upstream execution failed (the execution is skipped). */
  UPSTREAM,
  /** A fault in Taproot itself, not in the function. */
  INTERNAL,
  /** The execution was stopped from outside (run cancelled, service shutting down). */
  CANCELLED,
  /**
   * A forEach, when, input or output expression failed at run time (a missing key, a wrong type):
   * the definition or the data is wrong, not the function.
   */
  EXPRESSION
}
