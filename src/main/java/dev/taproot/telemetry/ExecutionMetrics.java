package dev.taproot.telemetry;

import dev.taproot.checkpoint.CheckpointWriter;
import dev.taproot.checkpoint.ExecutionRecord;
import dev.taproot.checkpoint.RunFinished;
import dev.taproot.checkpoint.RunUpdate;
import dev.taproot.checkpoint.Timing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics (at {@code /q/metrics}) from committed checkpoints, so they count exactly what
 * the database holds: executions by workflow, step and outcome, execution and queue latency, runs
 * by final status, payload bytes written, and how long the checkpoint writer spends on its batches.
 */
@ApplicationScoped
public class ExecutionMetrics implements CheckpointWriter.Listener {
  private final MeterRegistry registry;
  private final CheckpointWriter writer;
  private final Map<String, Counter> executions = new ConcurrentHashMap<>();
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final Map<String, Timer> queueWaits = new ConcurrentHashMap<>();

  private final LiveRuns engine;

  ExecutionMetrics(MeterRegistry registry, CheckpointWriter writer, LiveRuns engine) {
    this.registry = registry;
    this.writer = writer;
    this.engine = engine;
  }

  void onStart(@Observes StartupEvent event) {
    writer.addListener(this);
    registry
        .more()
        .counter(
            "taproot.payload.bytes.written",
            List.of(),
            writer,
            CheckpointWriter::payloadBytesWritten);
    FunctionTimer.builder(
            "taproot.checkpoint.batches",
            writer,
            CheckpointWriter::batchesCommitted,
            CheckpointWriter::batchNanos,
            TimeUnit.NANOSECONDS)
        .description("Checkpoint batches committed, and the time the writer spent on them")
        .register(registry);
    registry.gauge("taproot.runs.running", List.of(), engine, LiveRuns::liveRuns);
    registry.gauge("taproot.checkpoint.backlog", List.of(), writer, CheckpointWriter::backlog);
    registry
        .more()
        .counter(
            "taproot.checkpoint.backlog.waits", List.of(), writer, CheckpointWriter::backlogWaits);
  }

  /** Every run that ended, by the status it ended with (a cancel included). */
  void onFinished(@Observes RunFinished finished) {
    registry.counter("taproot.runs.finished", "status", finished.status().id()).increment();
  }

  @Override
  public void committed(List<ExecutionRecord> records, List<RunUpdate> runs) {
    for (ExecutionRecord r : records) {
      String workflow = r.workflow() == null ? "" : r.workflow();
      String outcome = r.outcome().status().id();
      String step = r.attempt().step();
      Timing timing = r.checkpoint().timing();
      executions
          .computeIfAbsent(
              workflow + "\u0000" + step + "\u0000" + outcome,
              k ->
                  Counter.builder("taproot.executions")
                      .description("Executions by workflow, step and outcome")
                      .tags("workflow", workflow, "step", step, "outcome", outcome)
                      .register(registry))
          .increment();
      if (timing.durationMicros() > 0) {
        durations
            .computeIfAbsent(
                workflow + "\u0000" + step,
                k ->
                    Timer.builder("taproot.execution.duration")
                        .description("Time of one attempt, input building and contracts included")
                        .tags("workflow", workflow, "step", step)
                        .publishPercentileHistogram()
                        .register(registry))
            .record(Duration.ofNanos(timing.durationMicros() * 1_000));
        queueWaits
            .computeIfAbsent(
                workflow,
                k ->
                    Timer.builder("taproot.execution.queue")
                        .description("Time an attempt waited for a worker")
                        .tags("workflow", workflow)
                        .publishPercentileHistogram()
                        .register(registry))
            .record(Duration.ofNanos(timing.queuedMicros() * 1_000));
      }
    }
  }
}
