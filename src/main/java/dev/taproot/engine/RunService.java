package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.ItemRange;
import dev.taproot.checkpoint.NewRun;
import dev.taproot.checkpoint.Payload;
import dev.taproot.checkpoint.RunFinished;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.RunStore;
import dev.taproot.checkpoint.RunUpdate;
import dev.taproot.checkpoint.SpanRef;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.checkpoint.UnitPlan;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.definition.WorkflowVersionEntity;
import dev.taproot.error.ConflictException;
import dev.taproot.telemetry.LogContext;
import dev.taproot.telemetry.RunEvents;
import dev.taproot.telemetry.RunTracing;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Starts, resumes and cancels runs; the engine does the scheduling. */
@ApplicationScoped
public class RunService {
  private final WorkflowCatalog catalog;
  private final Engine engine;
  private final RunLoader loader;
  private final RunStore runs;
  private final RunTracing tracing;
  private final RunEvents events;
  private final Event<RunFinished> finished;
  private final ClusterMember member;

  RunService(
      WorkflowCatalog catalog,
      Engine engine,
      RunLoader loader,
      RunStore runs,
      RunTracing tracing,
      RunEvents events,
      Event<RunFinished> finished,
      ClusterMember member) {
    this.member = member;
    this.finished = finished;
    this.events = events;
    this.catalog = catalog;
    this.engine = engine;
    this.loader = loader;
    this.runs = runs;
    this.tracing = tracing;
  }

  /** What POST /runs answers. */
  public record StartedRun(String runId, String status, String traceId) {}

  /** Stores a new run of the latest version of {@code workflow} and starts it. */
  public StartedRun start(String workflow, byte[] body, boolean ndjson) {
    WorkflowVersionEntity version =
        QuarkusTransaction.requiringNew().call(() -> catalog.latest(workflow));
    WorkflowDefinition def = catalog.definition(version.name, version.version);
    JsonNode input = ndjson ? RunInputs.ndjson(body) : RunInputs.json(body);
    if (def.inputSchema() != null) {
      List<String> violations = def.inputSchema().violations(input);
      if (!violations.isEmpty()) {
        throw new InputSchemaViolationException(version.name, version.version, violations);
      }
    }
    String runId = UUID.randomUUID().toString();
    RunTracing.RunSpan span = tracing.startRun(runId, version.name, version.version);
    List<Payload> records = null;
    if (ndjson) {
      records = new ArrayList<>();
      for (JsonNode r : input.get("records")) {
        records.add(Payload.of(r));
      }
    }
    List<ItemRange> partitions = Partitioning.of(def).ranges(def, input, member.partitionSize());
    UnitPlan.Opened opened =
        runs.create(
            new NewRun(
                runId,
                version.name,
                version.version,
                new SpanRef(span.traceId(), span.spanId()),
                new NewRun.RunInput(Payload.of(input), records)),
            Instant.now().truncatedTo(ChronoUnit.MICROS),
            member.plan(partitions));
    StoredRun run = opened.run();
    try (LogContext log = LogContext.run(runId, span.traceId())) {
      Log.infof(
          "run %s of %s@%d started (trace %s)%s",
          runId,
          version.name,
          version.version,
          span.traceId(),
          partitions.isEmpty() ? "" : " in " + partitions.size() + " partitions");
    }
    events.publish(
        "run.started",
        runId,
        version.name,
        span.traceId(),
        Map.of("version", version.version, "inputFormat", run.inputFormat()));
    if (opened.coordinator() != null) {
      engine.start(loader.context(run, def, input, opened.coordinator()), Map.of());
    } else {
      // Partitions go to whichever instances claim them first, this one included.
      member.claimSoon();
    }
    return new StartedRun(runId, run.status().id(), run.traceId());
  }

  /**
   * Cancels a running run; finished checkpoints stay. The cancel is committed before this returns
   * (compare-and-set on the run's status), then the scheduler here stops dispatching; what it
   * writes about the run afterwards no longer applies.
   */
  public void cancel(String runId) {
    StoredRun run = loader.run(runId);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    StoredRun cancelled =
        runs.cancel(runId, now)
            .orElseThrow(
                () ->
                    new ConflictException(
                        "run "
                            + runId
                            + " already "
                            + loader.run(runId).status().id()
                            + "; only a running run can be cancelled"));
    engine.cancel(runId);
    try (LogContext log = LogContext.run(runId, run.traceId())) {
      Log.infof("run %s cancelled", runId);
    }
    finished.fire(
        new RunFinished(
            RunUpdate.cancelled(runId, cancelled.generation(), now),
            run.workflow(),
            run.traceId()));
  }

  /**
   * Resumes a cancelled run from its checkpoints: every item that did not finish runs, the items a
   * cancel kept from ever starting included.
   */
  public void resume(String runId) {
    StoredRun run = loader.run(runId);
    if (run.status() != RunStatus.CANCELLED) {
      throw new ConflictException(
          "run "
              + runId
              + " is "
              + run.status().id()
              + "; only a cancelled run can be resumed (redrive a failed one)");
    }
    if (!engine.awaitStopped(runId, java.time.Duration.ofSeconds(5))) {
      throw new ConflictException(
          "run " + runId + " is still being stopped by this service; try again in a moment");
    }
    UnitPlan.Opened opened =
        runs.reopen(
                runId,
                run.generation(),
                run.overrides(),
                runs.reruns(runId),
                member.plan(List.of()))
            .orElseThrow(() -> Redrive.changedMeanwhile(runId));
    RunLoader.Loaded loaded = loader.load(opened.coordinator());
    try (LogContext log = LogContext.run(runId, run.traceId())) {
      Log.infof("resuming cancelled run %s from %d checkpoints", runId, loaded.recorded().size());
    }
    engine.start(loaded.context(), loaded.recorded(), loaded.rerun(), null);
  }
}
