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
import dev.taproot.config.TaprootConfig;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.definition.WorkflowVersionEntity;
import dev.taproot.error.ConflictException;
import dev.taproot.telemetry.LogContext;
import dev.taproot.telemetry.RunEvents;
import dev.taproot.telemetry.RunTracing;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
  private final TaprootConfig config;

  RunService(
      WorkflowCatalog catalog,
      Engine engine,
      RunLoader loader,
      RunStore runs,
      RunTracing tracing,
      RunEvents events,
      Event<RunFinished> finished,
      ClusterMember member,
      TaprootConfig config) {
    this.config = config;
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

  /**
   * Stores a new run of the latest version of {@code workflow} and starts it; an x-ndjson body is
   * read as a stream (see {@link #startNdjson}).
   */
  public StartedRun start(String workflow, byte[] body, boolean ndjson) {
    if (ndjson) {
      return startNdjson(workflow, new java.io.ByteArrayInputStream(body));
    }
    WorkflowVersionEntity version =
        QuarkusTransaction.requiringNew().call(() -> catalog.latest(workflow));
    WorkflowDefinition def = catalog.definition(version.name, version.version);
    JsonNode input = RunInputs.json(body);
    if (def.inputSchema() != null) {
      List<String> violations = def.inputSchema().violations(input);
      if (!violations.isEmpty()) {
        throw new InputSchemaViolationException(version.name, version.version, violations);
      }
    }
    String runId = UUID.randomUUID().toString();
    RunTracing.RunSpan span = tracing.startRun(runId, version.name, version.version);
    List<ItemRange> partitions = Partitioning.of(def).ranges(def, input, member.partitionSize());
    UnitPlan.Opened opened =
        runs.create(
            new NewRun(
                runId,
                version.name,
                version.version,
                new SpanRef(span.traceId(), span.spanId()),
                new NewRun.RunInput(Payload.of(input), null)),
            now(),
            member.plan(partitions));
    return started(opened, def, RunInput.of(input), partitions.size());
  }

  /**
   * Stores a new run of the latest version of {@code workflow} from an x-ndjson body read as it
   * arrives: records are parsed, checked against the input schema and stored a chunk at a time, so
   * neither the body nor the input is ever in memory as a whole. A bad line refuses the whole
   * upload (nothing of the run is kept) with an error naming the line. How the run is partitioned
   * is known once the last record is in.
   */
  public StartedRun startNdjson(String workflow, java.io.InputStream body) {
    WorkflowVersionEntity version =
        QuarkusTransaction.requiringNew().call(() -> catalog.latest(workflow));
    WorkflowDefinition def = catalog.definition(version.name, version.version);
    RecordSchema schema = RecordSchema.of(def.inputSchema(), version.name, version.version);
    NdjsonReader reader = new NdjsonReader(body, schema::check);
    String runId = UUID.randomUUID().toString();
    RunTracing.RunSpan span = tracing.startRun(runId, version.name, version.version);
    Partitioning partitioning = Partitioning.of(def);
    int[] partitionCount = {0};
    UnitPlan.Opened opened = null;
    try {
      opened =
          runs.createFromRecords(
              runId,
              version.name,
              version.version,
              new SpanRef(span.traceId(), span.spanId()),
              reader,
              now(),
              config.runs().ingestTimeout(),
              records -> {
                List<ItemRange> partitions =
                    partitioning.rangesOverRecords(def, records, member.partitionSize());
                partitionCount[0] = partitions.size();
                return member.plan(partitions);
              });
    } finally {
      if (opened == null) {
        tracing.refused(runId);
      }
    }
    return started(
        opened, def, loader.records(runId, opened.run().recordCount()), partitionCount[0]);
  }

  private StartedRun started(
      UnitPlan.Opened opened, WorkflowDefinition def, RunInput input, int partitions) {
    StoredRun run = opened.run();
    String runId = run.id();
    try (LogContext log = LogContext.run(runId, run.traceId())) {
      Log.infof(
          "run %s of %s@%d started (trace %s)%s",
          runId,
          run.workflow(),
          run.version(),
          run.traceId(),
          partitions == 0 ? "" : " in " + partitions + " partitions");
    }
    events.publish(
        "run.started",
        runId,
        run.workflow(),
        run.traceId(),
        Map.of("version", run.version(), "inputFormat", run.inputFormat()));
    if (opened.coordinator() != null) {
      engine.start(loader.context(run, def, input, opened.coordinator()), Map.of());
    } else {
      // Partitions go to whichever instances claim them first, this one included.
      member.claimSoon();
    }
    return new StartedRun(runId, run.status().id(), run.traceId());
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
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

  /**
   * Deletes the x-ndjson uploads a stop interrupted (older than the ingest timeout, so that an
   * upload still arriving at another instance is left alone). Unfinished runs are not resumed here:
   * their units are claimed like any other work (see {@link ClusterMember}).
   */
  void discardAbandonedUploads(@Observes StartupEvent event) {
    int abandoned = runs.discardAbandonedUploads(config.runs().ingestTimeout());
    if (abandoned > 0) {
      Log.infof("deleted %d x-ndjson upload(s) a stop interrupted; they never started", abandoned);
    }
  }
}
