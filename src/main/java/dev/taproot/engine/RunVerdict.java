package dev.taproot.engine;

import dev.taproot.checkpoint.EndedCounts;
import dev.taproot.checkpoint.ExecutionStatus;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a run whose steps are all done ends: failed items fail it, else its output decides. */
final class RunVerdict {
  private RunVerdict() {}

  /** The verdict, with the counts of every step stored alongside. */
  static RunUpdate of(RunContext ctx, Collection<StepState> steps, Bindings bindings) {
    return verdict(ctx, steps, bindings).withEnded(ended(ctx, steps));
  }

  private static EndedCounts ended(RunContext ctx, Collection<StepState> steps) {
    Map<String, Map<ExecutionStatus, Integer>> out = new LinkedHashMap<>();
    for (StepState s : steps) {
      Map<String, Integer> counts = s.counts();
      Map<ExecutionStatus, Integer> ended = new LinkedHashMap<>();
      for (ExecutionStatus status : ExecutionStatus.values()) {
        ended.put(status, counts.getOrDefault(status.id(), 0));
      }
      out.put(s.id(), ended);
    }
    return new EndedCounts(ctx.generation, out);
  }

  private static RunUpdate verdict(RunContext ctx, Collection<StepState> steps, Bindings bindings) {
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
