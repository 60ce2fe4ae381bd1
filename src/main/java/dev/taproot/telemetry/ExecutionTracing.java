package dev.taproot.telemetry;

import dev.taproot.checkpoint.AttemptRef;
import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.config.TaprootConfig;
import dev.taproot.function.GuestText;
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

  /**
   * Everything an execution span says: its checkpoint row, when the function itself ran (null when
   * it did not), and the spans it hangs under and links to.
   */
  public record ExecutionSpan(
      Checkpoint row, String workflow, Instant callStartedAt, Instant callEndedAt, Links links) {}

  /**
   * @param parentSpanId the step's span, or the run's for a step without forEach
   * @param upstreamSpanIds the spans of the attempts whose outputs it consumed
   * @param replacedSpanId the span of the attempt a redrive re-executes; null otherwise
   * @param previousError what the previous attempt failed with, for the retry event
   */
  public record Links(
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
  public String execution(ExecutionSpan e) {
    Checkpoint row = e.row();
    String traceId = row.span().traceId();
    if (traceId == null || !exported(row)) {
      return null;
    }
    AttemptRef attempt = row.attempt();
    Outcome outcome = row.outcome();
    SpanBuilder b =
        tracer
            .spanBuilder("step " + attempt.step())
            .setParent(parent(traceId, e.links().parentSpanId()))
            .setStartTimestamp(row.timing().startedAt())
            .setAttribute("taproot.run.id", attempt.runId())
            .setAttribute("taproot.workflow", e.workflow())
            .setAttribute("taproot.step.id", attempt.step())
            .setAttribute("taproot.item.key", attempt.key())
            .setAttribute("taproot.attempt", attempt.number())
            .setAttribute("taproot.function.ref", row.function().ref())
            .setAttribute("taproot.function.digest", row.function().digest());
    if (row.inputDigest() != null) {
      b.setAttribute("taproot.input.digest", row.inputDigest());
    }
    if (outcome.outputDigest() != null) {
      b.setAttribute("taproot.output.digest", outcome.outputDigest());
    }
    if (outcome.code() != null) {
      b.setAttribute("taproot.error.code", outcome.code().name());
    }
    List<String> upstream = e.links().upstreamSpanIds();
    for (int i = 0; i < Math.min(upstream.size(), MAX_LINKS); i++) {
      b.addLink(
          remote(traceId, upstream.get(i)),
          Attributes.builder().put("taproot.link", "consumed").build());
    }
    if (upstream.size() > MAX_LINKS) {
      b.setAttribute("taproot.links.total", upstream.size());
    }
    if (e.links().replacedSpanId() != null) {
      b.addLink(
          remote(traceId, e.links().replacedSpanId()),
          Attributes.builder().put("taproot.link", "replaces").build());
    }
    Span span = b.startSpan();
    if (attempt.number() > 1) {
      String previous = e.links().previousError();
      span.addEvent(
          "retry",
          Attributes.builder()
              .put("taproot.attempt", attempt.number())
              .put("taproot.previous.error", previous == null ? "" : previous)
              .build(),
          row.timing().startedAt());
    }
    if (e.callStartedAt() != null) {
      Span call =
          tracer
              .spanBuilder("wasm " + row.function().ref())
              .setParent(Context.root().with(span))
              .setStartTimestamp(e.callStartedAt())
              .setAttribute("taproot.function.digest", row.function().digest())
              .startSpan();
      call.end(e.callEndedAt());
    }
    if (outcome.status() == ExecutionStatus.FAILED) {
      span.setStatus(
          StatusCode.ERROR,
          outcome.code()
              + ": "
              + (outcome.message() == null ? "" : GuestText.printable(outcome.message())));
    }
    span.end(row.timing().finishedAt());
    return span.getSpanContext().getSpanId();
  }

  private boolean exported(Checkpoint row) {
    if (row.outcome().status() == ExecutionStatus.FAILED) {
      return true;
    }
    return switch (config.itemSpans()) {
      case ALL -> true;
      case FAILED -> false;
      // the same items every time, so a sampled record can be followed through every step
      case SAMPLE ->
          (((row.runId() + "/" + row.item().key()).hashCode() & 0x7fffffff) % 10_000)
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
