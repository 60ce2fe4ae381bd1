package dev.taproot.definition;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem in a submitted definition.
 *
 * @param line 1-based line of the offending YAML node
 * @param column 1-based column of the offending YAML node (or of the spot inside an expression)
 * @param path where in the definition, e.g. {@code steps.enrich.retry.backoff}; empty for the
 *     document as a whole
 * @param message what is wrong and how to fix it
 */
public record DefinitionError(int line, int column, String path, String message) {

  /** Document order. */
  public static final Comparator<DefinitionError> BY_POSITION =
      Comparator.comparingInt(DefinitionError::line)
          .thenComparingInt(DefinitionError::column)
          .thenComparing(DefinitionError::path)
          .thenComparing(DefinitionError::message);

  public DefinitionError {
    if (line < 1 || column < 1) {
      throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
    }
    Objects.requireNonNull(path, "path");
    if (message == null || message.isBlank()) {
      throw new IllegalArgumentException("an error needs a message");
    }
  }

  @Override
  public String toString() {
    return line + ":" + column + " " + (path.isEmpty() ? "" : path + ": ") + message;
  }
}
