package dev.taproot.checkpoint;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code run} and {@code run_record} tables: every statement on them is here. */
@ApplicationScoped
public class RunStore {
  private final AgroalDataSource dataSource;

  RunStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** One page of runs, newest first, and how many match in all. */
  public record RunPage(List<StoredRun> runs, long total) {}

  public Optional<StoredRun> find(String runId) {
    return QuarkusTransaction.joiningExisting()
        .call(() -> Optional.ofNullable(RunEntity.<RunEntity>findById(runId)).map(StoredRun::new));
  }

  /** Runs of {@code workflow} and {@code status} (either may be null for any). */
  public RunPage list(String workflow, RunStatus status, int page, int size) {
    return QuarkusTransaction.joiningExisting()
        .call(
            () -> {
              List<String> clauses = new ArrayList<>();
              Map<String, Object> params = new LinkedHashMap<>();
              if (workflow != null) {
                clauses.add("workflow = :workflow");
                params.put("workflow", workflow);
              }
              if (status != null) {
                clauses.add("status = :status");
                params.put("status", status.id());
              }
              var query =
                  clauses.isEmpty()
                      ? RunEntity.<RunEntity>findAll(Sort.descending("createdAt"))
                      : RunEntity.<RunEntity>find(
                          String.join(" and ", clauses), Sort.descending("createdAt"), params);
              return new RunPage(
                  query.page(Page.of(page, size)).list().stream().map(StoredRun::new).toList(),
                  query.count());
            });
  }

  /** The ids of the runs still marked running: what a starting service resumes. */
  public List<String> running() {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                RunEntity.<RunEntity>list("status", RunStatus.RUNNING.id()).stream()
                    .map(r -> r.id)
                    .toList());
  }

  /**
   * Stores a new run, running, with its input payload and, for x-ndjson, one payload per record so
   * that lineage can end at a line of the upload.
   */
  public StoredRun create(NewRun run, Instant createdAt) {
    RunEntity e = new RunEntity();
    e.id = run.id();
    e.workflow = run.workflow();
    e.workflowVersion = run.version();
    e.status = RunStatus.RUNNING.id();
    e.inputDigest = run.input().whole().digest();
    List<Payload> records = run.input().records();
    e.inputFormat = records == null ? StoredRun.JSON : StoredRun.NDJSON;
    e.recordCount = records == null ? null : records.size();
    e.traceId = run.trace().traceId();
    e.spanId = run.trace().spanId();
    e.createdAt = createdAt;
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              try (Connection c = dataSource.getConnection()) {
                Map<String, Payload> distinct = new LinkedHashMap<>();
                distinct.put(e.inputDigest, run.input().whole());
                if (records != null) {
                  records.forEach(p -> distinct.putIfAbsent(p.digest(), p));
                }
                PayloadStore.insert(c, SqlDialect.of(c), distinct.values());
                e.persistAndFlush();
                insertRecords(c, e.id, records == null ? List.of() : records);
              } catch (SQLException x) {
                throw new StoreException("could not store run " + e.id, x);
              }
            });
    return new StoredRun(e);
  }

  private static void insertRecords(Connection c, String runId, List<Payload> records)
      throws SQLException {
    if (records.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO run_record (run_id, record_key, payload_digest) VALUES (?, ?, ?)")) {
      for (int i = 0; i < records.size(); i++) {
        ps.setString(1, runId);
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

  /** Records a cancel for a run no instance is scheduling. */
  public void markCancelled(String runId, Instant at) {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                RunEntity.update(
                    "status = ?1, finishedAt = ?2, errorMessage = ?3 where id = ?4",
                    RunStatus.CANCELLED.id(),
                    at,
                    RunError.CANCELLED_BY_REQUEST.message(),
                    runId));
  }

  /** Marks a finished run running again for a redrive, with its function overrides. */
  public StoredRun reopen(String runId, String overrides) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              RunEntity.update(
                  "status = ?1, overrides = ?2, finishedAt = null, errorCode = null,"
                      + " errorMessage = null, outputDigest = null where id = ?3",
                  RunStatus.RUNNING.id(),
                  overrides,
                  runId);
              return new StoredRun(RunEntity.<RunEntity>findById(runId));
            });
  }

  /** Writes runs' new statuses on {@code c}, inside the checkpoint writer's transaction. */
  void update(Connection c, List<RunUpdate> runs) throws SQLException {
    if (runs.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE run SET status = ?, output_digest = ?, error_code = ?, error_message = ?,"
                + " finished_at = ? WHERE id = ?")) {
      for (RunUpdate u : runs) {
        ps.setString(1, u.status().id());
        ps.setString(2, u.output() == null ? null : u.output().digest());
        ps.setString(3, u.error() == null ? null : u.error().codeId());
        ps.setString(4, u.error() == null ? null : u.error().message());
        ps.setTimestamp(5, u.finishedAt() == null ? null : Timestamp.from(u.finishedAt()));
        ps.setString(6, u.runId());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** The payload digest of record {@code key} of an x-ndjson run; null when there is none. */
  public String recordDigest(String runId, int key) {
    String[] digest = {null};
    Jdbc.query(
        dataSource,
        "record " + key + " of run " + runId,
        "SELECT payload_digest FROM run_record WHERE run_id = ? AND record_key = ?",
        List.of(runId, key),
        rs -> digest[0] = rs.getString(1));
    return digest[0];
  }
}
