package dev.taproot.engine;

import java.util.List;

/** A run input that parses but does not satisfy the workflow's {@code input.schema}. */
public final class InputSchemaViolationException extends RuntimeException {
  private final List<String> violations;
  private final Long line;

  public InputSchemaViolationException(String workflow, int version, List<String> violations) {
    this(workflow, version, null, violations);
  }

  /**
   * @param line the x-ndjson line whose record breaks the schema; null for a JSON input
   */
  public InputSchemaViolationException(
      String workflow, int version, Long line, List<String> violations) {
    super(
        (line == null ? "run input" : "x-ndjson line " + line)
            + " does not match input.schema of workflow "
            + workflow
            + " version "
            + version
            + ": "
            + String.join("; ", violations));
    this.violations = List.copyOf(violations);
    this.line = line;
  }

  /** The x-ndjson line of the record that breaks the schema; null for a JSON input. */
  public Long line() {
    return line;
  }

  public List<String> violations() {
    return violations;
  }
}
