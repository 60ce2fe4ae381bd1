package dev.taproot.telemetry;

import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.config.TaprootConfig;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spans of a run's steps and executions. Execution spans are built after the attempt, with its
 * recorded start and end, so the export setting can look at the outcome; they link to the spans of
 * the executions whose outputs they consumed, which draws the lineage in any trace UI.
 */
@ApplicationScoped
public class ExecutionTracing {
  /**
   * More links than this (a fan-in over a large batch) are cut; the span says how many there were.
   */
  static final int MAX_LINKS = 64;

  private final Tracer tracer;
  private final TaprootConfig.Telemetry config;
  private final Map<String, Span> steps = new ConcurrentHashMap<>();

  ExecutionTracing(Tracer tracer, TaprootConfig config) {
    this.tracer = tracer;
    this.config = config.telemetry();
  }

  /** Everything an execution span says, from the checkpoint. */
  public record ExecutionSpan(
      String runId,
      String workflow,
      String step,
      String itemKey,
      int attempt,
      String functionRef,
      String functionDigest,
      String inputDigest,
      String outputDigest,
      ExecutionStatus status,
      String errorCode,
      String errorMessage,
      Instant startedAt,
      Instant callStartedAt,
      Instant callEndedAt,
      Instant finishedAt,
      String parentSpanId,
      List<String> upstreamSpanIds,
      String replacedSpanId,
      String previousError) {}

  /** Opens the span of a step; its executions are its children. Returns its span id. */
  public String stepStarted(
      String traceId, String runSpanId, String runId, String workflow, String step) {
    Span span =
        tracer
            .spanBuilder("forEach " + step)
            .setParent(parent(traceId, runSpanId))
            .setAttribute("taproot.run.id", runId)
            .setAttribute("taproot.workflow", workflow)
            .setAttribute("taproot.step.id", step)
            .startSpan();
    steps.put(runId + "/" + step, span);
    return span.getSpanContext().getSpanId();
  }

  public void stepFinished(String runId, String step, Map<String, Integer> counts) {
    Span span = steps.remove(runId + "/" + step);
    if (span != null) {
      counts.forEach((status, n) -> span.setAttribute("taproot.items." + status, n));
      if (counts.getOrDefault("failed", 0) > 0) {
        span.setStatus(StatusCode.ERROR, counts.get("failed") + " item(s) failed");
      }
      span.end();
    }
  }

  /** Exports the span of one attempt, if the setting wants it; returns its span id or null. */
  public String execution(String traceId, ExecutionSpan e) {
    if (traceId == null || !exported(e)) {
      return null;
    }
    SpanBuilder b =
        tracer
            .spanBuilder("step " + e.step())
            .setParent(parent(traceId, e.parentSpanId()))
            .setStartTimestamp(e.startedAt())
            .setAttribute("taproot.run.id", e.runId())
            .setAttribute("taproot.workflow", e.workflow())
            .setAttribute("taproot.step.id", e.step())
            .setAttribute("taproot.item.key", e.itemKey())
            .setAttribute("taproot.attempt", e.attempt())
            .setAttribute("taproot.function.ref", e.functionRef())
            .setAttribute("taproot.function.digest", e.functionDigest());
    if (e.inputDigest() != null) {
      b.setAttribute("taproot.input.digest", e.inputDigest());
    }
    if (e.outputDigest() != null) {
      b.setAttribute("taproot.output.digest", e.outputDigest());
    }
    if (e.errorCode() != null) {
      b.setAttribute("taproot.error.code", e.errorCode());
    }
    List<String> upstream = e.upstreamSpanIds();
    for (int i = 0; i < Math.min(upstream.size(), MAX_LINKS); i++) {
      b.addLink(
          remote(traceId, upstream.get(i)),
          Attributes.builder().put("taproot.link", "consumed").build());
    }
    if (upstream.size() > MAX_LINKS) {
      b.setAttribute("taproot.links.total", upstream.size());
    }
    if (e.replacedSpanId() != null) {
      b.addLink(
          remote(traceId, e.replacedSpanId()),
          Attributes.builder().put("taproot.link", "replaces").build());
    }
    Span span = b.startSpan();
    if (e.attempt() > 1) {
      span.addEvent(
          "retry",
          Attributes.builder()
              .put("taproot.attempt", e.attempt())
              .put("taproot.previous.error", e.previousError() == null ? "" : e.previousError())
              .build(),
          e.startedAt());
    }
    if (e.callStartedAt() != null) {
      Span call =
          tracer
              .spanBuilder("wasm " + e.functionRef())
              .setParent(Context.root().with(span))
              .setStartTimestamp(e.callStartedAt())
              .setAttribute("taproot.function.digest", e.functionDigest())
              .startSpan();
      call.end(e.callEndedAt());
    }
    if (e.status() == ExecutionStatus.FAILED) {
      span.setStatus(
          StatusCode.ERROR,
          e.errorCode() + ": " + (e.errorMessage() == null ? "" : e.errorMessage()));
    }
    span.end(e.finishedAt());
    return span.getSpanContext().getSpanId();
  }

  private boolean exported(ExecutionSpan e) {
    if (e.status() == ExecutionStatus.FAILED) {
      return true;
    }
    return switch (config.itemSpans()) {
      case ALL -> true;
      case FAILED -> false;
      // the same items every time, so a sampled record can be followed through every step
      case SAMPLE ->
          (((e.runId() + "/" + e.itemKey()).hashCode() & 0x7fffffff) % 10_000)
              < config.sampleRatio() * 10_000;
    };
  }

  private static Context parent(String traceId, String spanId) {
    return Context.root().with(Span.wrap(remote(traceId, spanId)));
  }

  private static SpanContext remote(String traceId, String spanId) {
    return SpanContext.createFromRemoteParent(
        traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
  }
}
