package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.expression.Bindings;
import dev.taproot.expression.CelValues;
import java.util.function.Supplier;

/**
 * The variables an expression of a run sees: {@code input} and {@code run} from the run, {@code
 * item} and {@code steps} from whoever evaluates it (the scheduler on the live state, a worker on
 * the values its task captured). Values are made only when an expression reads them.
 */
final class RunBindings implements Bindings {
  private final RunContext ctx;
  private final Supplier<JsonNode> item;
  private final Supplier<Object> steps;

  RunBindings(RunContext ctx, Supplier<JsonNode> item, Supplier<Object> steps) {
    this.ctx = ctx;
    this.item = item;
    this.steps = steps;
  }

  @Override
  public Object celValue(String variable) {
    return switch (variable) {
      case "input" -> ctx.inputCel();
      case "run" -> ctx.runCel();
      case "item" -> {
        JsonNode value = item.get();
        yield value == null ? null : CelValues.toCel(value);
      }
      case "steps" -> steps.get();
      default -> null;
    };
  }

  // forEach: ${{ input.records }} over 100,000 records must not convert them all to CEL.
  @Override
  public JsonNode jsonValue(String variable) {
    return switch (variable) {
      case "input" -> ctx.input.whole();
      case "item" -> item.get();
      default -> null;
    };
  }
}
