package dev.taproot.checkpoint;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads checkpoints back: the latest attempt of each item, an item's attempts, progress counts. */
@ApplicationScoped
public class CheckpointQueries {
  private static final String LATEST =
      " AND e.attempt = (SELECT MAX(x.attempt) FROM execution x WHERE x.run_id = e.run_id AND x.step_id = e.step_id"
          + " AND x.item_key = e.item_key)";

  private final AgroalDataSource dataSource;

  CheckpointQueries(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** One checkpoint row, as stored. */
  public record Row(
      String runId,
      String stepId,
      String itemKey,
      int attempt,
      long itemOrder,
      String status,
      String functionRef,
      String functionDigest,
      String inputDigest,
      String outputDigest,
      String errorCode,
      String errorMessage,
      String logs,
      long seed,
      java.time.Instant startedAt,
      java.time.Instant finishedAt,
      long durationMicros,
      long queuedMicros,
      String traceId,
      String spanId) {}

  /** Counts of the latest attempts per step and status. */
  public Map<String, Map<String, Integer>> progress(String runId) {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    query(
        "SELECT e.step_id, e.status, COUNT(*) FROM execution e WHERE e.run_id = ?"
            + LATEST
            + " GROUP BY e.step_id, e.status",
        List.of(runId),
        rs ->
            out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                .put(rs.getString(2), rs.getInt(3)));
    return out;
  }

  /** The latest attempt of each item of a step, in item order, optionally of one status. */
  public List<Row> items(String runId, String stepId, String status, int offset, int limit) {
    List<Object> params = new ArrayList<>(List.of(runId, stepId));
    String filter = "";
    if (status != null) {
      filter = " AND e.status = ?";
      params.add(status);
    }
    params.add(limit);
    params.add(offset);
    List<Row> rows = new ArrayList<>();
    query(
        "SELECT "
            + COLUMNS
            + " FROM execution e WHERE e.run_id = ? AND e.step_id = ?"
            + LATEST
            + filter
            + " ORDER BY e.item_order LIMIT ? OFFSET ?",
        params,
        rs -> rows.add(row(rs)));
    return rows;
  }

  public long countItems(String runId, String stepId, String status) {
    List<Object> params = new ArrayList<>(List.of(runId, stepId));
    String filter = "";
    if (status != null) {
      filter = " AND e.status = ?";
      params.add(status);
    }
    long[] count = {0};
    query(
        "SELECT COUNT(*) FROM execution e WHERE e.run_id = ? AND e.step_id = ?" + LATEST + filter,
        params,
        rs -> count[0] = rs.getLong(1));
    return count[0];
  }

  /** Every attempt of one item, oldest first. */
  public List<Row> attempts(String runId, String stepId, String itemKey) {
    List<Row> rows = new ArrayList<>();
    query(
        "SELECT "
            + COLUMNS
            + " FROM execution e WHERE e.run_id = ? AND e.step_id = ? AND e.item_key = ? ORDER BY e.attempt",
        List.of(runId, stepId, itemKey),
        rs -> rows.add(row(rs)));
    return rows;
  }

  private static final String COLUMNS =
      "e.run_id, e.step_id, e.item_key, e.attempt, e.item_order, e.status, e.function_ref, e.function_digest,"
          + " e.input_digest, e.output_digest, e.error_code, e.error_message, e.logs, e.seed, e.started_at, e.finished_at,"
          + " e.duration_micros, e.queued_micros, e.trace_id, e.span_id";

  private static Row row(ResultSet rs) throws SQLException {
    return new Row(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getInt(4),
        rs.getLong(5),
        rs.getString(6),
        rs.getString(7),
        rs.getString(8),
        rs.getString(9),
        rs.getString(10),
        rs.getString(11),
        rs.getString(12),
        rs.getString(13),
        rs.getLong(14),
        rs.getTimestamp(15).toInstant(),
        rs.getTimestamp(16).toInstant(),
        rs.getLong(17),
        rs.getLong(18),
        rs.getString(19),
        rs.getString(20));
  }

  private interface RowHandler {
    void accept(ResultSet rs) throws SQLException;
  }

  private void query(String sql, List<Object> params, RowHandler handler) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          handler.accept(rs);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("checkpoint query failed: " + e.getMessage(), e);
    }
  }
}
