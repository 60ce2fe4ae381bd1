package dev.taproot.definition;

import dev.taproot.expression.Expression;
import java.util.Objects;

/** How many executions a step has. */
public sealed interface ForEach permits ForEach.None, ForEach.OverList, ForEach.ItemWise {

  /** One execution, item key "0". */
  record None() implements ForEach {}

  /**
   * One execution per element of the list the expression gives; keys are the indices "0", "1"…;
   * {@code item} is the element.
   */
  record OverList(Expression expression) implements ForEach {
    public OverList {
      Objects.requireNonNull(expression, "expression");
    }
  }

  /**
   * {@code forEach: ${{ steps.X.items }}}: item k runs as soon as item k of X has succeeded and
   * keeps its key; {@code item} is X's {@code {key, output}}.
   */
  record ItemWise(String upstreamStep) implements ForEach {
    public ItemWise {
      Objects.requireNonNull(upstreamStep, "upstreamStep");
    }
  }

  ForEach NONE = new None();
}
