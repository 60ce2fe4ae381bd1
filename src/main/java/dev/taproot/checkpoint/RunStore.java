package dev.taproot.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
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
  private final ClusterStore cluster;
  private final PayloadStore payloads;

  RunStore(AgroalDataSource dataSource, ClusterStore cluster, PayloadStore payloads) {
    this.payloads = payloads;
    this.dataSource = dataSource;
    this.cluster = cluster;
  }

  /** One page of runs, newest first, and how many match in all. */
  public record RunPage(List<StoredRun> runs, long total) {}

  public Optional<StoredRun> find(String runId) {
    return QuarkusTransaction.joiningExisting()
        .call(
            () ->
                Optional.ofNullable(RunEntity.<RunEntity>findById(runId))
                    .filter(e -> !RECEIVING.equals(e.status))
                    .map(StoredRun::new));
  }

  /** Runs of {@code workflow} and {@code status} (either may be null for any). */
  public RunPage list(String workflow, RunStatus status, int page, int size) {
    return QuarkusTransaction.joiningExisting()
        .call(
            () -> {
              List<String> clauses = new ArrayList<>();
              Map<String, Object> params = new LinkedHashMap<>();
              clauses.add("status <> :receiving");
              params.put("receiving", RECEIVING);
              if (workflow != null) {
                clauses.add("workflow = :workflow");
                params.put("workflow", workflow);
              }
              if (status != null) {
                clauses.add("status = :status");
                params.put("status", status.id());
              }
              var query =
                  RunEntity.<RunEntity>find(
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
   * Stores a new run, running, with its input payload and, for x-ndjson, one {@code run_record} row
   * per record (its bytes in the row up to 4 KiB, in the payload table above) so that lineage can
   * end at a line of the upload, and its units as {@code plan} divides it.
   */
  public UnitPlan.Opened create(NewRun run, Instant createdAt, UnitPlan plan) {
    List<Payload> records = run.input().records();
    RunEntity e =
        entity(run.id(), run.workflow(), run.version(), run.trace(), records != null, createdAt);
    e.inputDigest = run.input().whole().digest();
    e.recordCount = records == null ? null : records.size();
    List<Payload> offered = new java.util.ArrayList<>();
    offered.add(run.input().whole());
    if (records != null) {
      offered.addAll(kept(records));
    }
    Map<String, Payload> fresh = payloads.unknown(offered);
    Lease coordinator =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  try (Connection c = dataSource.getConnection()) {
                    PayloadStore.insert(c, SqlDialect.of(c), fresh.values());
                    e.persistAndFlush();
                    insertRecords(c, e.id, records == null ? List.of() : records);
                    return cluster.replaceUnits(
                        c, e.id, e.generation, plan.partitions(), plan.owner(), plan.lease());
                  } catch (SQLException x) {
                    throw new StoreException("could not store run " + e.id, x);
                  }
                });
    payloads.committed(fresh.keySet());
    return new UnitPlan.Opened(new StoredRun(e), coordinator);
  }

  private static RunEntity entity(
      String id, String workflow, int version, SpanRef trace, boolean ndjson, Instant createdAt) {
    RunEntity e = new RunEntity();
    e.id = id;
    e.workflow = workflow;
    e.workflowVersion = version;
    e.status = RunStatus.RUNNING.id();
    e.inputFormat = ndjson ? StoredRun.NDJSON : StoredRun.JSON;
    e.traceId = trace.traceId();
    e.spanId = trace.spanId();
    e.createdAt = createdAt;
    e.generation = 1;
    return e;
  }

  /**
   * A run whose upload is still arriving: stored, but no reader sees it (see createFromRecords).
   */
  static final String RECEIVING = "receiving";

  /**
   * Stores a new x-ndjson run while its records arrive, a chunk at a time, so the upload is never
   * in memory as a whole. Each chunk (its payloads and {@code run_record} rows) commits in its own
   * short transaction, so no transaction lasts as long as the upload: a long one would hold the
   * keys of payloads that checkpoints store too, and H2 keeps every version written while one is
   * open. Until the last record is in, the run row is {@code receiving}, which no reader sees and
   * nothing resumes; then it becomes running in one compare-and-set. An upload that is refused
   * midway is deleted; one a crash interrupted is deleted by {@link #discardAbandonedUploads}. No
   * payload of the whole input is stored: its digest is taken record by record ({@link
   * RecordsDigest}), and readers build it from the records ({@link #records}).
   *
   * @param timeout how long the upload may take; past it the upload is refused
   * @throws UploadTimeoutException when the upload takes longer than {@code timeout}
   */
  public UnitPlan.Opened createFromRecords(
      String id,
      String workflow,
      int version,
      SpanRef trace,
      RecordSource source,
      Instant createdAt,
      java.time.Duration timeout,
      java.util.function.IntFunction<UnitPlan> plan) {
    RunEntity e = entity(id, workflow, version, trace, true, createdAt);
    e.status = RECEIVING;
    // Placeholders until the last record is in (the column is NOT NULL).
    e.inputDigest = "";
    e.recordCount = 0;
    QuarkusTransaction.requiringNew().run(e::persistAndFlush);
    RecordsDigest whole = new RecordsDigest();
    Lease coordinator;
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean stored = false;
    try {
      int count = 0;
      for (List<Payload> chunk = source.next(); !chunk.isEmpty(); chunk = source.next()) {
        if (System.nanoTime() > deadline) {
          throw new UploadTimeoutException(id, count, timeout);
        }
        insertChunk(id, count, chunk);
        for (Payload p : chunk) {
          whole.add(p.bytes());
        }
        count += chunk.size();
      }
      e.inputDigest = whole.finish();
      e.recordCount = count;
      e.status = RunStatus.RUNNING.id();
      int received = count;
      UnitPlan units = plan.apply(received);
      coordinator =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    int started =
                        RunEntity.update(
                            "status = ?1, inputDigest = ?2, recordCount = ?3 where id = ?4 and"
                                + " status = ?5",
                            RunStatus.RUNNING.id(),
                            e.inputDigest,
                            received,
                            id,
                            RECEIVING);
                    if (started == 0) {
                      throw new StoreException(
                          "the upload of run "
                              + id
                              + " was discarded as abandoned while its last records arrived"
                              + " (it took longer than taproot.runs.ingest-timeout); send it again",
                          null);
                    }
                    // Its units appear with it: no claim can find a run still receiving.
                    try (Connection c = dataSource.getConnection()) {
                      return cluster.replaceUnits(
                          c, id, e.generation, units.partitions(), units.owner(), units.lease());
                    } catch (SQLException x) {
                      throw new StoreException("could not store the units of run " + id, x);
                    }
                  });
      stored = true;
    } finally {
      if (!stored) {
        deleteUpload(id);
      }
    }
    return new UnitPlan.Opened(new StoredRun(e), coordinator);
  }

  /** An upload that took longer than taproot.runs.ingest-timeout; nothing of it is kept. */
  public static final class UploadTimeoutException extends RuntimeException {
    UploadTimeoutException(String runId, int records, java.time.Duration timeout) {
      super(
          "the x-ndjson upload took longer than "
              + timeout
              + " (taproot.runs.ingest-timeout) and was dropped after "
              + records
              + " records (run "
              + runId
              + " was not started); split the records into several runs or raise the setting");
    }
  }

  private void insertChunk(String runId, int firstKey, List<Payload> chunk) {
    Map<String, Payload> fresh = payloads.unknown(kept(chunk));
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              try (Connection c = dataSource.getConnection()) {
                PayloadStore.insert(c, SqlDialect.of(c), fresh.values());
                insertRecords(c, runId, firstKey, chunk);
              } catch (SQLException x) {
                throw new StoreException("could not store the records of run " + runId, x);
              }
            });
    payloads.committed(fresh.keySet());
  }

  /**
   * Deletes an upload that did not complete: its run row and records (payloads are shared). The run
   * row is locked first and nothing is deleted unless it is still receiving: an upload that
   * finished meanwhile (its last transaction waits for the lock, then finds no row to start) keeps
   * its records.
   */
  void deleteUpload(String runId) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              try (Connection c = dataSource.getConnection();
                  PreparedStatement lock =
                      c.prepareStatement(
                          "SELECT id FROM run WHERE id = ? AND status = ? FOR UPDATE");
                  PreparedStatement records =
                      c.prepareStatement("DELETE FROM run_record WHERE run_id = ?");
                  PreparedStatement run =
                      c.prepareStatement("DELETE FROM run WHERE id = ? AND status = ?")) {
                lock.setString(1, runId);
                lock.setString(2, RECEIVING);
                try (java.sql.ResultSet rs = lock.executeQuery()) {
                  if (!rs.next()) {
                    return;
                  }
                }
                records.setString(1, runId);
                records.executeUpdate();
                run.setString(1, runId);
                run.setString(2, RECEIVING);
                run.executeUpdate();
              } catch (SQLException x) {
                throw new StoreException("could not delete the refused upload of run " + runId, x);
              }
            });
  }

  /**
   * Deletes uploads a crash interrupted: runs still receiving records after {@code timeout} (an
   * upload in progress on another instance is younger). Their ids were never answered.
   *
   * @return how many were deleted
   */
  public int discardAbandonedUploads(java.time.Duration timeout) {
    Instant before = Instant.now().minus(timeout);
    List<String> abandoned = new ArrayList<>();
    Jdbc.query(
        dataSource,
        "abandoned uploads",
        "SELECT id FROM run WHERE status = ? AND created_at < ?",
        List.of(RECEIVING, Timestamp.from(before)),
        rs -> abandoned.add(rs.getString(1)));
    abandoned.forEach(this::deleteUpload);
    return abandoned.size();
  }

  private static void insertRecords(Connection c, String runId, List<Payload> records)
      throws SQLException {
    insertRecords(c, runId, 0, records);
  }

  private static void insertRecords(Connection c, String runId, int firstKey, List<Payload> records)
      throws SQLException {
    if (records.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO run_record (run_id, record_key, payload_digest, record_bytes)"
                + " VALUES (?, ?, ?, ?)")) {
      for (int i = 0; i < records.size(); i++) {
        Payload record = records.get(i);
        ps.setString(1, runId);
        ps.setInt(2, firstKey + i);
        ps.setString(3, record.digest());
        ps.setBytes(4, inRow(record) ? record.bytes() : null);
        ps.addBatch();
        if ((i + 1) % 1000 == 0) {
          ps.executeBatch();
        }
      }
      ps.executeBatch();
    }
  }

  /**
   * Cancels a running run, compare-and-set: the run ends cancelled at a new generation, so that
   * whatever its scheduler writes afterwards no longer applies.
   *
   * @return the run as cancelled; empty when it was not running (any more)
   */
  public Optional<StoredRun> cancel(String runId, Instant at) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              int changed =
                  RunEntity.update(
                      "status = ?1, finishedAt = ?2, errorCode = null, errorMessage = ?3,"
                          + " generation = generation + 1 where id = ?4 and status = ?5",
                      RunStatus.CANCELLED.id(),
                      at,
                      RunError.CANCELLED_BY_REQUEST.message(),
                      runId,
                      RunStatus.RUNNING.id());
              return changed == 0
                  ? Optional.<StoredRun>empty()
                  : Optional.of(new StoredRun(RunEntity.<RunEntity>findById(runId)));
            });
  }

  /**
   * Marks a finished run running again, compare-and-set on the generation it was read at: of two
   * control actions that read the same generation, one wins. The items a redrive re-executes are
   * stored in the same transaction, with the attempt each replaces, so that a restart continues the
   * redrive (see {@link #reruns}), and so are its new units, which void every lease of the older
   * generation.
   *
   * @return the reopened run; empty when the run changed since it was read
   */
  public Optional<UnitPlan.Opened> reopen(
      String runId, int readAt, String overrides, Map<ItemRef, Integer> reruns, UnitPlan plan) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              int changed =
                  RunEntity.update(
                      "status = ?1, overrides = ?2, finishedAt = null, errorCode = null,"
                          + " errorMessage = null, outputDigest = null,"
                          + " generation = generation + 1"
                          + " where id = ?3 and generation = ?4 and status <> ?5",
                      RunStatus.RUNNING.id(),
                      overrides,
                      runId,
                      readAt,
                      RunStatus.RUNNING.id());
              if (changed == 0) {
                return Optional.<UnitPlan.Opened>empty();
              }
              StoredRun reopened = new StoredRun(RunEntity.<RunEntity>findById(runId));
              try (Connection c = dataSource.getConnection()) {
                replaceReruns(c, runId, reruns);
                Lease coordinator =
                    cluster.replaceUnits(
                        c,
                        runId,
                        reopened.generation(),
                        plan.partitions(),
                        plan.owner(),
                        plan.lease());
                return Optional.of(new UnitPlan.Opened(reopened, coordinator));
              } catch (SQLException e) {
                throw new StoreException("could not store the redrive of run " + runId, e);
              }
            });
  }

  /**
   * Makes sure nothing more can be committed for an ended run, as it was read: its units are let go
   * of once their holders stopped renewing them (they do at their next heartbeat after the end, so
   * about one lease after it). Until then a cancelled run's interrupted attempts may still commit.
   *
   * @return true when nothing more can be committed for the run at the generation read; false while
   *     a lease of it runs, or when it changed since it was read (resumed or redriven)
   */
  public boolean quiesce(StoredRun run) {
    if (!run.status().finished()) {
      return false;
    }
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              try (Connection c = dataSource.getConnection()) {
                // Units first, as every commit locks them before the run row. A resume or redrive
                // that reopened the run while they were locked is seen after them, before anything
                // is let go of; one that comes later finds only lapsed leases let go of.
                if (!cluster.lapsed(c, run.id()) || !unchanged(c, run)) {
                  return false;
                }
                cluster.letGoOfLapsed(c, run.id());
                return true;
              } catch (SQLException e) {
                throw new StoreException("could not let go of the units of run " + run.id(), e);
              }
            });
  }

  private static boolean unchanged(Connection c, StoredRun run) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM run WHERE id = ? AND status = ? AND generation = ?")) {
      ps.setString(1, run.id());
      ps.setString(2, run.status().id());
      ps.setInt(3, run.generation());
      try (var rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * Keeps the counts of an ended run that was counted after {@link #quiesce}, so that no instance
   * counts it again; left out when the run changed since it was read.
   */
  public void keepEndedCounts(StoredRun run, EndedCounts counts) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              try (Connection c = dataSource.getConnection();
                  PreparedStatement ps =
                      c.prepareStatement(
                          "UPDATE run SET ended_counts = ?"
                              + " WHERE id = ? AND status = ? AND generation = ?")) {
                ps.setString(1, counts.json());
                ps.setString(2, run.id());
                ps.setString(3, run.status().id());
                ps.setInt(4, counts.generation());
                ps.executeUpdate();
              } catch (SQLException e) {
                throw new StoreException("could not keep the counts of run " + run.id(), e);
              }
            });
  }

  private static void replaceReruns(Connection c, String runId, Map<ItemRef, Integer> reruns)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM run_rerun WHERE run_id = ?")) {
      ps.setString(1, runId);
      ps.executeUpdate();
    }
    if (reruns.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO run_rerun (run_id, step_id, item_key, replaces_attempt)"
                + " VALUES (?, ?, ?, ?)")) {
      int n = 0;
      for (Map.Entry<ItemRef, Integer> r : reruns.entrySet()) {
        ps.setString(1, runId);
        ps.setString(2, r.getKey().step());
        ps.setString(3, r.getKey().key());
        ps.setInt(4, r.getValue());
        ps.addBatch();
        if (++n % 1000 == 0) {
          ps.executeBatch();
        }
      }
      if (n % 1000 != 0) {
        ps.executeBatch();
      }
    }
  }

  /**
   * The items the run's latest redrive re-executes, with the attempt each replaces: an item whose
   * latest attempt is still that one has not run again yet.
   */
  public Map<ItemRef, Integer> reruns(String runId) {
    Map<ItemRef, Integer> out = new java.util.HashMap<>();
    Jdbc.query(
        dataSource,
        "the redrive of run " + runId,
        "SELECT step_id, item_key, replaces_attempt FROM run_rerun WHERE run_id = ?",
        List.of(runId),
        rs ->
            out.put(
                new ItemRef(rs.getString("step_id"), rs.getString("item_key")),
                rs.getInt("replaces_attempt")));
    return out;
  }

  /**
   * Writes runs' new statuses on {@code c}, inside the checkpoint writer's transaction; returns
   * those that applied (a control action that won since leaves the others without effect).
   */
  List<RunUpdate> update(Connection c, List<RunUpdate> runs) throws SQLException {
    if (runs.isEmpty()) {
      return List.of();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE run SET status = ?, output_digest = ?, error_code = ?, error_message = ?,"
                + " finished_at = ?, ended_counts = ? WHERE id = ? AND generation = ?")) {
      for (RunUpdate u : runs) {
        ps.setString(1, u.status().id());
        ps.setString(2, u.output() == null ? null : u.output().digest());
        ps.setString(3, u.error() == null ? null : u.error().codeId());
        ps.setString(4, u.error() == null ? null : StoredText.encode(u.error().message()));
        ps.setTimestamp(5, u.finishedAt() == null ? null : Timestamp.from(u.finishedAt()));
        ps.setString(6, u.ended() == null ? null : u.ended().json());
        ps.setString(7, u.runId());
        ps.setInt(8, u.generation());
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      List<RunUpdate> applied = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) {
        if (counts[i] != 0) {
          applied.add(runs.get(i));
        }
      }
      return applied;
    }
  }

  /**
   * A record is kept in its {@code run_record} row when its canonical bytes are at most this many
   * (as a checkpoint's values are, {@link ExecutionStore#INLINE_MAX_BYTES}); a larger one in the
   * payload table, once per digest.
   */
  private static boolean inRow(Payload record) {
    return record.bytes().length <= ExecutionStore.INLINE_MAX_BYTES;
  }

  /** The records of {@code records} that go to the payload table. */
  private static List<Payload> kept(List<Payload> records) {
    return records.stream().filter(r -> !inRow(r)).toList();
  }

  /**
   * Records {@code from} (inclusive) to {@code to} (exclusive) of an x-ndjson run, in key order;
   * one query for those kept in their rows, one more for those in the payload table.
   */
  public List<StoredRecord> records(String runId, int from, int to) {
    List<StoredRecord> out =
        new ArrayList<>(
            recordsWhere(
                    reader ->
                        Jdbc.query(
                            dataSource,
                            "records " + from + " to " + (to - 1) + " of run " + runId,
                            RECORD_COLUMNS + " record_key >= ? AND record_key < ?",
                            List.of(runId, from, to),
                            reader))
                .values());
    if (out.size() != to - from) {
      throw new StoreException(
          "run "
              + runId
              + " has "
              + out.size()
              + " stored records between "
              + from
              + " and "
              + to
              + "; a record or its payload is missing",
          null);
    }
    return out;
  }

  /**
   * The records of an x-ndjson run at {@code keys}, by key; keys the run has no record for are
   * absent.
   */
  public Map<Integer, StoredRecord> records(String runId, java.util.Collection<Integer> keys) {
    return recordsWhere(
        reader ->
            Jdbc.queryIn(
                dataSource,
                keys.size() + " records of run " + runId,
                RECORD_COLUMNS + " record_key IN (?)",
                List.of(runId),
                List.copyOf(new java.util.LinkedHashSet<>(keys)),
                reader));
  }

  /** A run's records, the condition on {@code record_key} appended. */
  private static final String RECORD_COLUMNS =
      "SELECT record_key, record_bytes, payload_digest FROM run_record WHERE run_id = ? AND";

  /**
   * The records the rows {@code query} hands over ({@link #RECORD_COLUMNS}) by key, in key order:
   * each from its row, or from the payload table when the row keeps only its digest.
   */
  private java.util.SortedMap<Integer, StoredRecord> recordsWhere(
      java.util.function.Consumer<Jdbc.RowReader> query) {
    java.util.SortedMap<Integer, StoredRecord> out = new java.util.TreeMap<>();
    Map<Integer, String> elsewhere = new LinkedHashMap<>();
    query.accept(
        rs -> {
          byte[] bytes = rs.getBytes(2);
          if (bytes == null) {
            elsewhere.put(rs.getInt(1), rs.getString(3));
          } else {
            out.put(rs.getInt(1), new StoredRecord(CanonicalJson.parse(bytes), rs.getString(3)));
          }
        });
    if (!elsewhere.isEmpty()) {
      Map<String, JsonNode> stored = payloads.getAll(elsewhere.values());
      elsewhere.forEach(
          (key, digest) -> {
            if (stored.containsKey(digest)) {
              out.put(key, new StoredRecord(stored.get(digest), digest));
            }
          });
    }
    return out;
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
