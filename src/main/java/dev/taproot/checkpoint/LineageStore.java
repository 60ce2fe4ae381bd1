package dev.taproot.checkpoint;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the lineage edges the checkpoint writer inserts with the attempts: an attempt's only edge
 * in its own execution row (migration V9), any other in the {@code lineage_edge} table (see {@link
 * ExecutionStore#insertEdges}). Every query reads both, so runs written before V9 read as before.
 */
@ApplicationScoped
public class LineageStore {
  private final AgroalDataSource dataSource;

  LineageStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * One recorded edge seen from one end: the attempt at the other end ({@code other} null and
   * {@code recordKey} set or null for the run input) and the path that was consumed.
   */
  public record Hop(AttemptRef other, String recordKey, String path) {}

  /** What the attempt consumed. */
  public List<Hop> upstream(AttemptRef attempt) {
    List<Hop> hops = new ArrayList<>();
    Jdbc.RowReader edge =
        rs -> {
          String fromStep = rs.getString("from_step");
          String fromKey = rs.getString("from_key");
          hops.add(
              fromStep == null
                  ? new Hop(null, fromKey, rs.getString("path"))
                  : new Hop(
                      new AttemptRef(
                          attempt.runId(),
                          new ItemRef(fromStep, fromKey),
                          rs.getInt("from_attempt")),
                      null,
                      rs.getString("path")));
        };
    query(
        "SELECT from_step, from_key, from_attempt, path FROM lineage_edge WHERE run_id = ?"
            + " AND step_id = ? AND item_key = ? AND attempt = ?",
        List.of(attempt.runId(), attempt.step(), attempt.key(), attempt.number()),
        edge);
    // The item's attempts in key order, filtered here: asked for one attempt, or without the
    // ORDER BY, PostgreSQL planned this by the item-order index before its first ANALYZE of the
    // table and read the whole step (18 ms a hop on 20,000 items) instead of the primary key.
    query(
        "SELECT attempt, from_step, from_key, from_attempt, from_path AS path FROM execution"
            + " WHERE run_id = ? AND step_id = ? AND item_key = ? ORDER BY attempt",
        List.of(attempt.runId(), attempt.step(), attempt.key()),
        rs -> {
          if (rs.getInt("attempt") == attempt.number() && rs.getString("path") != null) {
            edge.read(rs);
          }
        });
    return hops;
  }

  /** The attempts that consumed a value of {@code attempt}. */
  public List<Hop> downstream(AttemptRef attempt) {
    return consumers(
        "SELECT step_id, item_key, attempt, path FROM lineage_edge WHERE run_id = ?"
            + " AND from_step = ? AND from_key = ? AND from_attempt = ?"
            + " UNION ALL SELECT step_id, item_key, attempt, from_path FROM execution"
            + " WHERE run_id = ? AND from_step = ? AND from_key = ? AND from_attempt = ?"
            + " AND from_path IS NOT NULL",
        attempt.runId(),
        twice(attempt.runId(), attempt.step(), attempt.key(), attempt.number()));
  }

  /** The attempts that consumed record {@code recordKey} of the run's x-ndjson input. */
  public List<Hop> downstreamOfRecord(String runId, String recordKey) {
    return consumers(
        "SELECT step_id, item_key, attempt, path FROM lineage_edge WHERE run_id = ?"
            + " AND from_step IS NULL AND from_key = ?"
            + " UNION ALL SELECT step_id, item_key, attempt, from_path FROM execution"
            + " WHERE run_id = ? AND from_step IS NULL AND from_key = ? AND from_path IS NOT NULL",
        runId,
        twice(runId, recordKey));
  }

  /** The parameters of a query that asks the edge table and the execution rows the same. */
  private static List<Object> twice(Object... params) {
    List<Object> both = new ArrayList<>(List.of(params));
    both.addAll(List.of(params));
    return both;
  }

  private List<Hop> consumers(String sql, String runId, List<?> params) {
    List<Hop> hops = new ArrayList<>();
    query(
        sql,
        params,
        rs ->
            hops.add(
                new Hop(
                    new AttemptRef(
                        runId,
                        new ItemRef(rs.getString("step_id"), rs.getString("item_key")),
                        rs.getInt("attempt")),
                    null,
                    rs.getString("path"))));
    return hops;
  }

  private void query(String sql, List<?> params, Jdbc.RowReader reader) {
    Jdbc.query(dataSource, "lineage edges", sql, params, reader);
  }
}
