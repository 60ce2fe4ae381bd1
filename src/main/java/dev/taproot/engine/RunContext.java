package dev.taproot.engine;

import dev.taproot.checkpoint.Lease;
import dev.taproot.checkpoint.SpanRef;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.expression.CelValues;
import java.lang.ref.SoftReference;
import java.util.Map;

/** The fixed facts of one run: what it runs, on what, under which trace. */
final class RunContext {
  final String runId;

  /**
   * The lease this scheduler works under; every checkpoint it makes is committed only while the
   * lease holds. Null only for a context read to prepare a control action, which schedules nothing.
   */
  final Lease lease;

  /**
   * The run's generation this scheduler works for (see {@link dev.taproot.checkpoint.RunUpdate}).
   */
  final int generation;

  final String workflow;
  final int version;
  final WorkflowDefinition definition;
  final RunInput input;
  final boolean ndjson;
  final String traceId;
  final String spanId;
  final Map<String, PinnedFunction> functions;
  private volatile Object inputCel;
  private volatile Object runCel;
  private volatile SoftReference<Object> streamedCel = new SoftReference<>(null);

  /**
   * @param trace the run's trace and root span; both null when the run has none
   * @param functions the module each alias runs, by alias
   */
  RunContext(
      RunRef run,
      Lease lease,
      int generation,
      WorkflowDefinition definition,
      RunInput input,
      boolean ndjson,
      SpanRef trace,
      Map<String, PinnedFunction> functions) {
    this.runId = run.runId();
    this.lease = lease;
    this.generation = generation;
    this.workflow = run.workflow();
    this.version = run.version();
    this.definition = definition;
    this.input = input;
    this.ndjson = ndjson;
    this.traceId = trace.traceId();
    this.spanId = trace.spanId();
    this.functions = Map.copyOf(functions);
  }

  /**
   * The run input as a CEL value, converted once: it is read by every item of every step. A
   * streamed upload's is kept softly (see {@link RunInput}).
   */
  Object inputCel() {
    if (input.streamed()) {
      Object v = streamedCel.get();
      if (v == null) {
        v = CelValues.toCel(input.whole());
        streamedCel = new SoftReference<>(v);
      }
      return v;
    }
    Object v = inputCel;
    if (v == null) {
      v = CelValues.toCel(input.whole());
      inputCel = v;
    }
    return v;
  }

  Object runCel() {
    Object v = runCel;
    if (v == null) {
      v = Map.of("id", runId, "workflow", workflow, "version", (long) version);
      runCel = v;
    }
    return v;
  }

  PinnedFunction function(String alias) {
    PinnedFunction f = functions.get(alias);
    if (f == null) {
      throw new IllegalStateException(
          "run " + runId + " has no pinned function for alias " + alias);
    }
    return f;
  }
}
