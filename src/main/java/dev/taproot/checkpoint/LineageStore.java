package dev.taproot.checkpoint;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code lineage_edge} table (the checkpoint writer inserts it with the attempts, see
 * {@link ExecutionStore#insertEdges}).
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
    query(
        "SELECT from_step, from_key, from_attempt, path FROM lineage_edge WHERE run_id = ?"
            + " AND step_id = ? AND item_key = ? AND attempt = ?",
        List.of(attempt.runId(), attempt.step(), attempt.key(), attempt.number()),
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
        });
    return hops;
  }

  /** The attempts that consumed a value of {@code attempt}. */
  public List<Hop> downstream(AttemptRef attempt) {
    return consumers(
        "SELECT step_id, item_key, attempt, path FROM lineage_edge WHERE run_id = ?"
            + " AND from_step = ? AND from_key = ? AND from_attempt = ?",
        attempt.runId(),
        List.of(attempt.runId(), attempt.step(), attempt.key(), attempt.number()));
  }

  /** The attempts that consumed record {@code recordKey} of the run's x-ndjson input. */
  public List<Hop> downstreamOfRecord(String runId, String recordKey) {
    return consumers(
        "SELECT step_id, item_key, attempt, path FROM lineage_edge WHERE run_id = ?"
            + " AND from_step IS NULL AND from_key = ?",
        runId,
        List.of(runId, recordKey));
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
