package dev.taproot.engine;

import dev.taproot.checkpoint.AttemptRef;
import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.ExecutionRecord;
import dev.taproot.checkpoint.FunctionUsed;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.LineageEdge;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.checkpoint.SpanRef;
import dev.taproot.checkpoint.Timing;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Checkpoints of attempts that ran no function: a skip, a failed expression, a fault. */
final class AttemptRecords {
  private AttemptRecords() {}

  /** The current attempt of {@code item} of {@code step}, ended now with {@code outcome}. */
  static ExecutionRecord withoutCall(
      RunContext ctx, StepState step, ItemState item, Outcome outcome, List<LineageEdge> edges) {
    PinnedFunction fn = ctx.function(step.def.function());
    Checkpoint row =
        new Checkpoint(
            new AttemptRef(ctx.runId, new ItemRef(step.id(), item.key), item.attempt),
            item.order,
            new FunctionUsed(fn.ref(), fn.digest()),
            null,
            outcome,
            null,
            Timing.instant(Instant.now().truncatedTo(ChronoUnit.MICROS)),
            new SpanRef(ctx.traceId, null));
    return ExecutionRecord.withoutCall(ctx.lease, row, ctx.workflow, edges);
  }
}
