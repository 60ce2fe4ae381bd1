package dev.taproot.telemetry;

import dev.taproot.checkpoint.CheckpointWriter;
import dev.taproot.checkpoint.ExecutionRecord;
import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.RunUpdate;
import dev.taproot.engine.Engine;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns committed failures and finished runs into events. */
@ApplicationScoped
public class EventPublisher implements CheckpointWriter.Listener {
  private final RunEvents events;
  private final CheckpointWriter writer;

  EventPublisher(RunEvents events, CheckpointWriter writer) {
    this.events = events;
    this.writer = writer;
  }

  void onStart(@Observes StartupEvent event) {
    writer.addListener(this);
  }

  @Override
  public void committed(List<ExecutionRecord> records, List<RunUpdate> runs) {
    for (ExecutionRecord r : records) {
      if (r.status() == ExecutionStatus.FAILED) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("step", r.stepId());
        fields.put("itemKey", r.itemKey());
        fields.put("attempt", r.attempt());
        fields.put("errorCode", r.errorCode());
        fields.put("errorMessage", r.errorMessage());
        fields.put("functionRef", r.functionRef());
        fields.put("spanId", r.spanId());
        events.publish("execution.failed", r.runId(), r.workflow(), r.traceId(), fields);
      }
    }
  }

  void onFinished(@Observes Engine.RunFinished finished) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("status", finished.status());
    fields.put("error", finished.error());
    events.publish(
        "run.finished", finished.runId(), finished.workflow(), finished.traceId(), fields);
  }
}
