package dev.taproot.engine;

import dev.taproot.checkpoint.Payload;
import dev.taproot.checkpoint.RunError;
import dev.taproot.checkpoint.RunUpdate;
import dev.taproot.checkpoint.StoreException;
import dev.taproot.expression.Bindings;
import dev.taproot.expression.ExpressionException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** How a run whose steps are all done ends: failed items fail it, else its output decides. */
final class RunVerdict {
  private RunVerdict() {}

  static RunUpdate of(RunContext ctx, Collection<StepState> steps, Bindings bindings) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<String> failedSteps = new ArrayList<>();
    int failedItems = 0;
    for (StepState s : steps) {
      int failed = s.failed();
      if (failed > 0) {
        failedSteps.add(s.id());
        failedItems += failed;
      }
    }
    if (!failedSteps.isEmpty()) {
      return RunUpdate.failed(
          ctx.runId,
          ctx.generation,
          new RunError(
              RunError.Code.STEP_FAILED,
              failedItems + " item(s) failed in step(s) " + String.join(", ", failedSteps)),
          now);
    }
    if (ctx.definition.output() == null) {
      return RunUpdate.succeeded(ctx.runId, ctx.generation, null, now);
    }
    try {
      return RunUpdate.succeeded(
          ctx.runId, ctx.generation, Payload.of(ctx.definition.output().evaluate(bindings)), now);
    } catch (ExpressionException | StoreException | MissingPayloadException e) {
      return RunUpdate.failed(
          ctx.runId,
          ctx.generation,
          new RunError(
              e instanceof ExpressionException ? RunError.Code.EXPRESSION : RunError.Code.INTERNAL,
              "output: " + e.getMessage()),
          now);
    }
  }
}
