package dev.taproot.telemetry;

import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.CheckpointWriter;
import dev.taproot.checkpoint.ExecutionRecord;
import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.RunFinished;
import dev.taproot.checkpoint.RunUpdate;
import dev.taproot.function.GuestText;
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
      Checkpoint row = r.checkpoint();
      if (row.outcome().status() == ExecutionStatus.FAILED) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("step", row.item().step());
        fields.put("itemKey", row.item().key());
        fields.put("attempt", row.attempt().number());
        fields.put("errorCode", row.outcome().code().name());
        fields.put("errorMessage", GuestText.readable(row.outcome().message()));
        fields.put("functionRef", row.function() == null ? null : row.function().ref());
        fields.put("spanId", row.span().spanId());
        events.publish("execution.failed", r.runId(), r.workflow(), row.span().traceId(), fields);
      }
    }
  }

  void onFinished(@Observes RunFinished finished) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("status", finished.status().id());
    fields.put(
        "error", finished.update().error() == null ? null : finished.update().error().message());
    events.publish(
        "run.finished", finished.runId(), finished.workflow(), finished.traceId(), fields);
  }
}
