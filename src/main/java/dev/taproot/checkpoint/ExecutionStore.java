package dev.taproot.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.function.Digests;
import io.agroal.api.AgroalDataSource;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code execution} table: every statement that writes or reads checkpoint rows is here. Rows
 * are written by plain inserts on every database, so the first committed attempt wins and a second
 * one with the same key is a unique violation (SQLState 23505), which the writer turns into an
 * {@link AttemptConflictException}.
 */
@ApplicationScoped
public class ExecutionStore implements RecordedAttempts {

  /**
   * Largest input or output kept in the checkpoint's own row instead of the payload table (see
   * V6__inline_values.sql): a new payload row costs H2 a page of the random-keyed digest index.
   */
  static final int INLINE_MAX_BYTES = 4096;

  private static final String UNIQUE_VIOLATION = "23505";

  private static final String COLUMNS =
      "run_id, step_id, item_key, attempt, item_order, status, function_ref, function_digest,"
          + " input_digest, output_digest, error_code, error_message, logs, seed, started_at,"
          + " finished_at, duration_micros, queued_micros, trace_id, span_id";

  /** What the scheduler reads of a row (see {@link RecordedAttempt}). */
  private static final String ATTEMPT_COLUMNS =
      "step_id, item_key, attempt, status, error_code, output_digest, span_id, item_order";

  private static final String LATEST =
      " AND e.attempt = (SELECT MAX(x.attempt) FROM execution x WHERE x.run_id = e.run_id"
          + " AND x.step_id = e.step_id AND x.item_key = e.item_key)";

  /**
   * The latest attempt of each item, in one pass over the run's rows (in key order, so no per-row
   * lookup): the count of a whole run or step is then linear whatever plan the database caches for
   * the prepared statement.
   */
  private static String latestRows(String columns, String where) {
    return "SELECT "
        + columns
        + " FROM (SELECT step_id, status, ROW_NUMBER() OVER (PARTITION BY step_id, item_key"
        + " ORDER BY attempt DESC) AS rn FROM execution WHERE "
        + where
        + ") latest WHERE rn = 1";
  }

  private final AgroalDataSource dataSource;

  ExecutionStore(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  // --- writing ---------------------------------------------------------------------------------

  /**
   * Inserts the rows of {@code records} on {@code c}, inside the caller's transaction; the inputs
   * and outputs whose digests are in {@code inline} are kept in the row itself.
   */
  void insert(Connection c, List<ExecutionRecord> records, Set<String> inline) throws SQLException {
    if (records.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO execution ("
                + COLUMNS
                + ", input_bytes, output_bytes, input_record, from_step, from_key, from_attempt,"
                + " from_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?)")) {
      for (ExecutionRecord r : records) {
        Checkpoint row = r.checkpoint();
        Outcome outcome = row.outcome();
        int i = 1;
        ps.setString(i++, row.runId());
        ps.setString(i++, row.item().step());
        ps.setString(i++, row.item().key());
        ps.setInt(i++, row.attempt().number());
        ps.setLong(i++, row.order());
        ps.setString(i++, outcome.status().id());
        ps.setString(i++, row.function() == null ? null : row.function().ref());
        ps.setString(i++, row.function() == null ? null : row.function().digest());
        ps.setString(i++, row.inputDigest());
        ps.setString(i++, outcome.outputDigest());
        ps.setString(i++, outcome.code() == null ? null : outcome.code().name());
        ps.setString(i++, StoredText.encode(outcome.message()));
        ps.setString(i++, StoredText.encode(row.guest().logs()));
        ps.setLong(i++, row.guest().seed());
        ps.setTimestamp(i++, Timestamp.from(row.timing().startedAt()));
        ps.setTimestamp(i++, Timestamp.from(row.timing().finishedAt()));
        ps.setLong(i++, row.timing().durationMicros());
        ps.setLong(i++, row.timing().queuedMicros());
        ps.setString(i++, row.span().traceId());
        ps.setString(i++, row.span().spanId());
        ps.setBytes(i++, inlinedInput(r, inline));
        ps.setBytes(i++, inlined(r.output(), inline));
        setInteger(ps, i++, r.inputRecord());
        LineageEdge sole = soleEdge(r);
        ps.setString(i++, sole == null ? null : sole.fromStep());
        ps.setString(i++, sole == null ? null : sole.fromKey());
        setInteger(ps, i++, sole == null ? null : sole.fromAttempt());
        ps.setString(i, sole == null ? null : sole.path());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void setInteger(PreparedStatement ps, int index, Integer value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setInt(index, value);
    }
  }

  /**
   * The edge an execution row keeps itself (migration V9): its only one. An execution with none or
   * with several has its edges in {@code lineage_edge}.
   */
  static LineageEdge soleEdge(ExecutionRecord r) {
    return r.edges().size() == 1 ? r.edges().get(0) : null;
  }

  /**
   * The bytes of the input of {@code r} that its row keeps: none when it is an upload record (the
   * row names the record instead).
   */
  static byte[] inlinedInput(ExecutionRecord r, Set<String> inline) {
    return r.inputRecord() != null ? null : inlined(r.input(), inline);
  }

  /** The bytes of {@code p} that its row keeps, or null when it is kept elsewhere (or absent). */
  static byte[] inlined(Payload p, Set<String> inline) {
    return p != null && inline.contains(p.digest()) ? p.bytes() : null;
  }

  /** Whether a failed write broke a primary key: an attempt that is already checkpointed. */
  static boolean isConflict(SQLException e) {
    return anyState(e, UNIQUE_VIOLATION::equals);
  }

  /**
   * Whether a failed write was refused for its data (SQLState class 22, or an integrity rule other
   * than a duplicate key): writing the same row again would fail again.
   */
  static boolean isRefused(SQLException e) {
    return anyState(
        e,
        state ->
            state.startsWith("22") || (state.startsWith("23") && !UNIQUE_VIOLATION.equals(state)));
  }

  /**
   * Whether any SQLState of a failed batch matches: drivers report a batch's cause in the chain of
   * next exceptions (PostgreSQL) or as the cause of each (H2).
   */
  private static boolean anyState(SQLException e, java.util.function.Predicate<String> wanted) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      for (Throwable t = x;
          t instanceof SQLException s;
          t = t.getCause() == t ? null : t.getCause()) {
        if (s.getSQLState() != null && wanted.test(s.getSQLState())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Which of {@code attempts} already have a committed row. */
  Set<AttemptRef> existing(Collection<AttemptRef> attempts) {
    Set<AttemptRef> found = new LinkedHashSet<>();
    for (AttemptRef a : attempts) {
      query(
          "SELECT attempt FROM execution WHERE run_id = ? AND step_id = ? AND item_key = ?"
              + " AND attempt = ?",
          List.of(a.runId(), a.step(), a.key(), a.number()),
          rs -> found.add(a));
    }
    return found;
  }

  /**
   * Inserts the lineage edges of {@code records} on {@code c} that their execution rows do not keep
   * (see {@link #soleEdge}).
   */
  void insertEdges(Connection c, List<ExecutionRecord> records) throws SQLException {
    List<ExecutionRecord> kept =
        records.stream().filter(r -> !r.edges().isEmpty() && soleEdge(r) == null).toList();
    if (kept.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO lineage_edge (run_id, step_id, item_key, attempt, from_step, from_key,"
                + " from_attempt, path) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      int n = 0;
      for (ExecutionRecord r : kept) {
        AttemptRef to = r.attempt();
        for (LineageEdge e : r.edges()) {
          ps.setString(1, to.runId());
          ps.setString(2, to.step());
          ps.setString(3, to.key());
          ps.setInt(4, to.number());
          ps.setString(5, e.fromStep());
          ps.setString(6, e.fromKey());
          setInteger(ps, 7, e.fromAttempt());
          ps.setString(8, e.path());
          ps.addBatch();
          if (++n % 1000 == 0) {
            ps.executeBatch();
          }
        }
      }
      if (n % 1000 != 0) {
        ps.executeBatch();
      }
    }
  }

  // --- checkpoints as users read them ----------------------------------------------------------

  /** Every attempt of one item, oldest first. */
  public List<Checkpoint> attempts(String runId, ItemRef item) {
    List<Checkpoint> rows = new ArrayList<>();
    query(
        "SELECT "
            + COLUMNS
            + " FROM execution WHERE run_id = ? AND step_id = ? AND item_key = ? ORDER BY attempt",
        List.of(runId, item.step(), item.key()),
        rs -> rows.add(checkpoint(rs)));
    return rows;
  }

  /** The latest attempt of each item of a step, in item order, optionally of one status. */
  public List<Checkpoint> latest(
      String runId, String step, ExecutionStatus status, int offset, int limit) {
    List<Object> params = stepParams(runId, step, status);
    params.add(limit);
    params.add(offset);
    List<Checkpoint> rows = new ArrayList<>();
    query(
        "SELECT " + COLUMNS + latestOfStep(status) + " ORDER BY e.item_order LIMIT ? OFFSET ?",
        params,
        rs -> rows.add(checkpoint(rs)));
    return rows;
  }

  /**
   * Like {@link #latest}, but a page starts after (or ends before) an item order instead of at an
   * offset, so that page 1,000 of a 100,000-item step costs what page 1 does: an offset makes the
   * database check the latest attempt of every row it skips (seconds on PostgreSQL).
   *
   * @param after the page holds the items after this order (ascending); null for the first page
   * @param before when {@code after} is null: the items before this order (the page ends there)
   */
  public List<Checkpoint> latestPage(
      String runId, String step, ExecutionStatus status, Long after, Long before, int limit) {
    List<Object> params = stepParams(runId, step, status);
    boolean backwards = after == null && before != null;
    if (after != null || backwards) {
      params.add(backwards ? before : after);
    }
    params.add(limit);
    List<Checkpoint> rows = new ArrayList<>();
    query(
        "SELECT "
            + COLUMNS
            + latestOfStep(status)
            + (backwards ? " AND e.item_order < ?" : after != null ? " AND e.item_order > ?" : "")
            + " ORDER BY e.item_order"
            + (backwards ? " DESC" : "")
            + " LIMIT ?",
        params,
        rs -> rows.add(checkpoint(rs)));
    if (backwards) {
      java.util.Collections.reverse(rows);
    }
    return rows;
  }

  /** How many items of a step have a latest attempt (of {@code status}, when given). */
  public long countLatest(String runId, String step, ExecutionStatus status) {
    long[] count = {0};
    query(
        latestRows("COUNT(*)", "run_id = ? AND step_id = ?")
            + (status == null ? "" : " AND status = ?"),
        stepParams(runId, step, status),
        rs -> count[0] = rs.getLong(1));
    return count[0];
  }

  /** The parameters of {@link #latestOfStep}: run, step and, when given, status. */
  private static List<Object> stepParams(String runId, String step, ExecutionStatus status) {
    List<Object> params = new ArrayList<>(List.of(runId, step));
    if (status != null) {
      params.add(status.id());
    }
    return params;
  }

  /** FROM and WHERE of the latest attempts of a step's items, of one status when given. */
  private static String latestOfStep(ExecutionStatus status) {
    return " FROM execution e WHERE e.run_id = ? AND e.step_id = ?"
        + LATEST
        + (status == null ? "" : " AND e.status = ?");
  }

  /** Counts of the latest attempts per step and status. */
  public Map<String, Map<ExecutionStatus, Integer>> progress(String runId) {
    Map<String, Map<ExecutionStatus, Integer>> out = new LinkedHashMap<>();
    query(
        latestRows("step_id, status, COUNT(*)", "run_id = ?") + " GROUP BY step_id, status",
        List.of(runId),
        rs ->
            out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                .put(ExecutionStatus.of(rs.getString(2)), rs.getInt(3)));
    return out;
  }

  /**
   * {@link #progress(String)} of some steps only, and of their items in {@code range} when it is
   * not null: one query per step, each a range of the index on run, step and item order, so that
   * counting one partition reads that partition's rows and no others.
   */
  public Map<String, Map<ExecutionStatus, Integer>> progress(
      String runId, Collection<String> steps, ItemRange range) {
    Map<String, Map<ExecutionStatus, Integer>> out = new LinkedHashMap<>();
    for (String step : steps) {
      List<Object> params = new ArrayList<>(List.of(runId, step));
      String where = "run_id = ? AND step_id = ?";
      if (range != null) {
        where += " AND item_order >= ? AND item_order < ?";
        params.add(range.first());
        params.add(range.end());
      }
      query(
          latestRows("status, COUNT(*)", where) + " GROUP BY status",
          params,
          rs ->
              out.computeIfAbsent(step, k -> new LinkedHashMap<>())
                  .put(ExecutionStatus.of(rs.getString(1)), rs.getInt(2)));
    }
    return out;
  }

  /**
   * What the rows of checkpoints say about the values asked for: those kept in the rows, by digest,
   * and the inputs that are upload records, with the record's key; values kept in the payload table
   * (or nowhere) are in neither.
   */
  record InRows(Map<String, JsonNode> values, Map<ValueAt, Integer> records) {}

  InRows inlineValues(Collection<ValueAt> values) {
    // by run and step, then by "key#attempt": one query per step, each key a primary-key lookup
    Map<List<String>, Map<String, List<ValueAt>>> wanted = new LinkedHashMap<>();
    for (ValueAt v : values) {
      AttemptRef a = v.attempt();
      wanted
          .computeIfAbsent(List.of(a.runId(), a.step()), k -> new LinkedHashMap<>())
          .computeIfAbsent(a.key() + "#" + a.number(), k -> new ArrayList<>())
          .add(v);
    }
    Map<String, JsonNode> out = new HashMap<>();
    Map<ValueAt, Integer> records = new HashMap<>();
    for (Map.Entry<List<String>, Map<String, List<ValueAt>>> step : wanted.entrySet()) {
      Map<String, List<ValueAt>> byAttempt = step.getValue();
      Jdbc.queryKeys(
          dataSource,
          "checkpoints",
          "item_key, attempt, input_bytes, output_bytes, input_record",
          "(input_bytes IS NOT NULL OR output_bytes IS NOT NULL OR input_record IS NOT NULL)",
          step.getKey().get(0),
          step.getKey().get(1),
          List.copyOf(new LinkedHashSet<>(keysOf(byAttempt.values()))),
          rs -> {
            List<ValueAt> these = byAttempt.get(rs.getString(1) + "#" + rs.getInt(2));
            if (these == null) {
              return;
            }
            byte[] input = rs.getBytes(3);
            byte[] output = rs.getBytes(4);
            int record = rs.getInt(5);
            boolean isRecord = !rs.wasNull();
            for (ValueAt v : these) {
              if (!v.output() && isRecord) {
                records.put(v, record);
                continue;
              }
              byte[] bytes = v.output() ? output : input;
              if (bytes != null && !out.containsKey(v.digest())) {
                if (Digests.sha256(bytes).equals(v.digest())) {
                  out.put(v.digest(), CanonicalJson.parse(bytes));
                } else {
                  // A caller named the wrong attempt: found nowhere beats another row's value.
                  Log.errorf(
                      "%s of %s is not %s; not used",
                      v.output() ? "output" : "input", v.attempt(), v.digest());
                }
              }
            }
          });
    }
    return new InRows(out, records);
  }

  private static List<String> keysOf(Collection<List<ValueAt>> values) {
    List<String> keys = new ArrayList<>();
    for (List<ValueAt> vs : values) {
      keys.add(vs.get(0).attempt().key());
    }
    return keys;
  }

  // --- what the scheduler rebuilds a run from --------------------------------------------------

  @Override
  public Overview overview(String runId) {
    Map<String, Integer> counted = new HashMap<>();
    List<RecordedAttempt> rest = new ArrayList<>();
    query(
        "SELECT step_id, status, error_code, attempt, k, output_digest, COUNT(*) AS n,"
            + " MIN(item_order) AS item_order FROM ("
            + "SELECT step_id, status, error_code, attempt, item_order,"
            + " CASE WHEN status <> 'succeeded' OR attempt > 1 THEN item_key END AS k,"
            + " CASE WHEN status <> 'succeeded' OR attempt > 1 THEN output_digest END"
            + " AS output_digest FROM execution WHERE run_id = ?) r"
            + " GROUP BY step_id, status, error_code, attempt, k, output_digest",
        List.of(runId),
        rs -> {
          String key = rs.getString("k");
          if (key == null) {
            counted.merge(rs.getString("step_id"), rs.getInt("n"), Integer::sum);
          } else {
            rest.add(
                new RecordedAttempt(
                    new ItemRef(rs.getString("step_id"), key),
                    rs.getInt("attempt"),
                    rs.getLong("item_order"),
                    outcome(rs, false),
                    null));
          }
        });
    return new Overview(counted, rest);
  }

  @Override
  public List<String> keysOf(String runId, String step) {
    List<String> keys = new ArrayList<>();
    query(
        "SELECT item_key, MIN(item_order) FROM execution WHERE run_id = ? AND step_id = ?"
            + " GROUP BY item_key ORDER BY 2",
        List.of(runId, step),
        rs -> keys.add(rs.getString(1)));
    return keys;
  }

  @Override
  public List<RecordedAttempt> attemptsOf(String runId, String step, Collection<String> keys) {
    List<RecordedAttempt> out = new ArrayList<>();
    Jdbc.queryKeys(
        dataSource,
        "checkpoints",
        ATTEMPT_COLUMNS,
        "TRUE",
        runId,
        step,
        List.copyOf(new LinkedHashSet<>(keys)),
        rs -> out.add(recordedAttempt(rs)));
    return out;
  }

  @Override
  public List<RecordedAttempt> attemptsOf(String runId) {
    List<RecordedAttempt> out = new ArrayList<>();
    query(
        "SELECT " + ATTEMPT_COLUMNS + " FROM execution WHERE run_id = ?",
        List.of(runId),
        rs -> out.add(recordedAttempt(rs)));
    return out;
  }

  @Override
  public List<RecordedAttempt> attemptsOf(String runId, ItemRange range) {
    List<RecordedAttempt> out = new ArrayList<>();
    query(
        "SELECT "
            + ATTEMPT_COLUMNS
            + " FROM execution WHERE run_id = ? AND item_order >= ? AND item_order < ?",
        List.of(runId, range.first(), range.end()),
        rs -> out.add(recordedAttempt(rs)));
    return out;
  }

  @Override
  public List<RecordedAttempt> succeeded(String runId, String step) {
    List<RecordedAttempt> out = new ArrayList<>();
    query(
        "SELECT "
            + ATTEMPT_COLUMNS
            + " FROM execution WHERE run_id = ? AND step_id = ? AND status = 'succeeded'"
            + " ORDER BY item_order",
        List.of(runId, step),
        rs -> out.add(recordedAttempt(rs)));
    return out;
  }

  // --- row mapping -----------------------------------------------------------------------------

  private static Checkpoint checkpoint(ResultSet rs) throws SQLException {
    String ref = rs.getString("function_ref");
    String digest = rs.getString("function_digest");
    return new Checkpoint(
        new AttemptRef(
            rs.getString("run_id"),
            new ItemRef(rs.getString("step_id"), rs.getString("item_key")),
            rs.getInt("attempt")),
        rs.getLong("item_order"),
        ref == null && digest == null ? null : new FunctionUsed(ref, digest),
        rs.getString("input_digest"),
        outcome(rs, true),
        new Guest(rs.getLong("seed"), StoredText.decode(rs.getString("logs"))),
        new Timing(
            rs.getTimestamp("started_at").toInstant(),
            rs.getTimestamp("finished_at").toInstant(),
            rs.getLong("duration_micros"),
            rs.getLong("queued_micros")),
        new SpanRef(rs.getString("trace_id"), rs.getString("span_id")));
  }

  private static RecordedAttempt recordedAttempt(ResultSet rs) throws SQLException {
    return new RecordedAttempt(
        new ItemRef(rs.getString("step_id"), rs.getString("item_key")),
        rs.getInt("attempt"),
        rs.getLong("item_order"),
        outcome(rs, false),
        rs.getString("span_id"));
  }

  private static Outcome outcome(ResultSet rs, boolean withMessage) throws SQLException {
    return Outcome.of(
        ExecutionStatus.of(rs.getString("status")),
        rs.getString("error_code"),
        withMessage ? StoredText.decode(rs.getString("error_message")) : null,
        rs.getString("output_digest"));
  }

  private void query(String sql, List<?> params, Jdbc.RowReader reader) {
    Jdbc.query(dataSource, "checkpoints", sql, params, reader);
  }
}
