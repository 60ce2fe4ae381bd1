package dev.taproot.telemetry;

import dev.taproot.checkpoint.RunFinished;
import dev.taproot.checkpoint.RunStatus;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One trace per run: its root span opens when the run starts and closes when it finishes. */
@ApplicationScoped
public class RunTracing {
  private final Tracer tracer;
  private final Map<String, Span> open = new ConcurrentHashMap<>();

  RunTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  /** The ids a run records so its checkpoints and later spans join its trace. */
  public record RunSpan(String traceId, String spanId) {}

  public RunSpan startRun(String runId, String workflow, int version) {
    Span span =
        tracer
            .spanBuilder("run " + workflow)
            .setNoParent()
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute("taproot.run.id", runId)
            .setAttribute("taproot.workflow", workflow)
            .setAttribute("taproot.workflow.version", version)
            .startSpan();
    open.put(runId, span);
    return new RunSpan(span.getSpanContext().getTraceId(), span.getSpanContext().getSpanId());
  }

  /** Ends the span of a run whose input was refused while it was being stored: no run exists. */
  public void refused(String runId) {
    Span span = open.remove(runId);
    if (span != null) {
      span.setStatus(StatusCode.ERROR, "run input refused");
      span.end();
    }
  }

  void onFinished(@Observes RunFinished finished) {
    Span span = open.remove(finished.runId());
    if (span != null) {
      span.setAttribute("taproot.run.status", finished.status().id());
      if (finished.status() != RunStatus.SUCCEEDED) {
        span.setStatus(StatusCode.ERROR, "run " + finished.status().id());
      }
      span.end();
    }
  }
}
