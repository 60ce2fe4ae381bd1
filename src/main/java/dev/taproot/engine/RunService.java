package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.checkpoint.Payload;
import dev.taproot.checkpoint.PayloadSql;
import dev.taproot.checkpoint.RunEntity;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.SqlDialect;
import dev.taproot.config.TaprootConfig;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.definition.WorkflowVersionEntity;
import dev.taproot.error.ConflictException;
import dev.taproot.telemetry.LogContext;
import dev.taproot.telemetry.RunEvents;
import dev.taproot.telemetry.RunTracing;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Starts, resumes and cancels runs; the engine does the scheduling. */
@ApplicationScoped
public class RunService {
  private final WorkflowCatalog catalog;
  private final Engine engine;
  private final RunLoader loader;
  private final AgroalDataSource dataSource;
  private final RunTracing tracing;
  private final TaprootConfig config;
  private final RunEvents events;

  RunService(
      WorkflowCatalog catalog,
      Engine engine,
      RunLoader loader,
      AgroalDataSource dataSource,
      RunTracing tracing,
      TaprootConfig config,
      RunEvents events) {
    this.events = events;
    this.catalog = catalog;
    this.engine = engine;
    this.loader = loader;
    this.dataSource = dataSource;
    this.tracing = tracing;
    this.config = config;
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
    Payload inputPayload = Payload.of(input);
    RunEntity run = new RunEntity();
    run.id = runId;
    run.workflow = version.name;
    run.workflowVersion = version.version;
    run.status = RunStatus.RUNNING.id();
    run.inputDigest = inputPayload.digest();
    run.inputFormat = ndjson ? "x-ndjson" : "json";
    run.recordCount = ndjson ? input.get("records").size() : null;
    run.traceId = span.traceId();
    run.spanId = span.spanId();
    run.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    QuarkusTransaction.requiringNew()
        .run(() -> store(run, inputPayload, ndjson ? (ObjectNode) input : null));
    try (LogContext log = LogContext.run(runId, span.traceId())) {
      Log.infof(
          "run %s of %s@%d started (trace %s)",
          runId, version.name, version.version, span.traceId());
    }
    events.publish(
        "run.started",
        runId,
        version.name,
        span.traceId(),
        Map.of("version", version.version, "inputFormat", run.inputFormat));
    engine.start(loader.context(run, def, input), Map.of());
    return new StartedRun(runId, run.status, run.traceId);
  }

  private void store(RunEntity run, Payload input, ObjectNode ndjsonInput) {
    try (Connection c = dataSource.getConnection()) {
      SqlDialect dialect = SqlDialect.of(c);
      List<Payload> payloads = new ArrayList<>();
      payloads.add(input);
      List<Payload> records = new ArrayList<>();
      if (ndjsonInput != null) {
        for (JsonNode r : ndjsonInput.get("records")) {
          records.add(Payload.of(r));
        }
        payloads.addAll(records);
      }
      Map<String, Payload> distinct = new LinkedHashMap<>();
      payloads.forEach(p -> distinct.putIfAbsent(p.digest(), p));
      PayloadSql.insert(c, dialect, distinct.values());
      run.persistAndFlush();
      if (!records.isEmpty()) {
        try (PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO run_record (run_id, record_key, payload_digest) VALUES (?, ?, ?)")) {
          for (int i = 0; i < records.size(); i++) {
            ps.setString(1, run.id);
            ps.setInt(2, i);
            ps.setString(3, records.get(i).digest());
            ps.addBatch();
            if ((i + 1) % 1000 == 0) {
              ps.executeBatch();
            }
          }
          ps.executeBatch();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not store run " + run.id + ": " + e.getMessage(), e);
    }
  }

  /** Cancels a running run; finished checkpoints stay. */
  public void cancel(String runId) {
    RunEntity run = QuarkusTransaction.requiringNew().call(() -> loader.run(runId));
    if (RunStatus.of(run.status).finished()) {
      throw new ConflictException(
          "run " + runId + " already " + run.status + "; only a running run can be cancelled");
    }
    if (!engine.cancel(runId)) {
      // Not live on this instance (e.g. its resume failed): record the cancel directly.
      QuarkusTransaction.requiringNew()
          .run(
              () ->
                  RunEntity.update(
                      "status = ?1, finishedAt = ?2 where id = ?3",
                      RunStatus.CANCELLED.id(),
                      Instant.now(),
                      runId));
    }
  }

  /** Resumes every unfinished run from its checkpoints. */
  void resumeAll(@Observes StartupEvent event) {
    if (!config.engine().resumeOnStart()) {
      return;
    }
    List<String> running =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    RunEntity.<RunEntity>list("status", RunStatus.RUNNING.id()).stream()
                        .map(r -> r.id)
                        .toList());
    for (String id : running) {
      try {
        RunLoader.Loaded loaded = loader.load(id);
        try (LogContext log = LogContext.run(id, loaded.context().traceId)) {
          Log.infof("resuming run %s from %d checkpoints", id, loaded.recorded().size());
        }
        engine.start(loaded.context(), loaded.recorded());
      } catch (RuntimeException e) {
        Log.errorf(e, "could not resume run %s; it stays running until cancelled", id);
      }
    }
  }
}
