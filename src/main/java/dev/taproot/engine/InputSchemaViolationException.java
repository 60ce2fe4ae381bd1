package dev.taproot.engine;

import java.util.List;

/** A run input that parses but does not satisfy the workflow's {@code input.schema}. */
public final class InputSchemaViolationException extends RuntimeException {
  private final List<String> violations;

  public InputSchemaViolationException(String workflow, int version, List<String> violations) {
    super(
        "run input does not match input.schema of workflow "
            + workflow
            + " version "
            + version
            + ": "
            + String.join("; ", violations));
    this.violations = List.copyOf(violations);
  }

  public List<String> violations() {
    return violations;
  }
}
