package dev.taproot.expression;

/** An expression failed while evaluating: the message names the expression and the cause. */
public class ExpressionException extends RuntimeException {

  private final String expression;

  public ExpressionException(String expression, String problem) {
    this(expression, problem, null);
  }

  public ExpressionException(String expression, String problem, Throwable cause) {
    super("${{ " + expression + " }}: " + problem, cause);
    this.expression = expression;
  }

  /** The source text of the expression that failed. */
  public String expression() {
    return expression;
  }
}
