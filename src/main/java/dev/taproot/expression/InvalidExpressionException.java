package dev.taproot.expression;

import java.util.List;
import java.util.Objects;

/**
 * An expression (or a string holding {@code ${{ }}} expressions) could not be compiled. Every
 * problem found is listed, so a definition can report them all at once.
 */
public class InvalidExpressionException extends RuntimeException {

  /**
   * One problem.
   *
   * @param offset code-point offset into the text that was compiled (the expression, or the whole
   *     template string), or -1 when the problem has no position
   * @param message what is wrong, with the column inside the expression when there is one
   */
  public record Issue(int offset, String message) {
    public Issue {
      Objects.requireNonNull(message, "message");
      if (offset < -1) {
        throw new IllegalArgumentException("offset must be >= -1: " + offset);
      }
    }

    Issue shiftedBy(int delta) {
      return offset < 0 ? this : new Issue(offset + delta, message);
    }
  }

  private final List<Issue> issues;

  public InvalidExpressionException(List<Issue> issues) {
    super(summary(issues));
    this.issues = List.copyOf(issues);
  }

  public List<Issue> issues() {
    return issues;
  }

  private static String summary(List<Issue> issues) {
    if (issues.isEmpty()) {
      throw new IllegalArgumentException("an invalid expression needs at least one issue");
    }
    return String.join("; ", issues.stream().map(Issue::message).toList());
  }
}
