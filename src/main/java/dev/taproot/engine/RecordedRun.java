package dev.taproot.engine;

import dev.taproot.checkpoint.ExecutionStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * What a finished run recorded, read with narrow queries instead of every checkpoint: a redrive of
 * 10 items of a 100,000-item run reads the failed rows, a count per step and the rows of the items
 * it touches, not 300,000 rows. Every answer is about the latest attempt of each (step, item key)
 * as it was when this object was made; one instance serves one redrive. A resume, which rebuilds
 * every item, reads them all with {@link #latestOfEveryItem}.
 */
final class RecordedRun {
  private static final int CHUNK = 500;
  private static final String COLUMNS =
      "step_id, item_key, attempt, status, error_code, output_digest, span_id, item_order";

  /** Latest attempts of one step, counted by outcome; the items a redrive leaves alone. */
  record Tally(int succeeded, int failed, int skipped, int blocking) {
    static final Tally NONE = new Tally(0, 0, 0, 0);

    Tally plus(Tally o) {
      return new Tally(
          succeeded + o.succeeded, failed + o.failed, skipped + o.skipped, blocking + o.blocking);
    }

    /** This tally with {@code times} more attempts like {@code r} (fewer when negative). */
    Tally plus(RecordedExecution r, int times) {
      return new Tally(
          succeeded + (r.status() == ExecutionStatus.SUCCEEDED ? times : 0),
          failed + (r.status() == ExecutionStatus.FAILED ? times : 0),
          skipped + (r.status() == ExecutionStatus.SKIPPED ? times : 0),
          blocking + (r.failedOrBlocked() ? times : 0));
    }
  }

  /**
   * What {@link #overview} would read, known without reading it: a run that finished in this
   * service leaves it behind (see {@link Engine}), so a redrive soon after need not scan the run.
   */
  record Summary(
      Map<String, Tally> tallies,
      Map<String, List<RecordedExecution>> failedOrBlocked,
      Map<String, Integer> retried) {}

  private final String runId;
  private final DataSource dataSource;

  /** The latest attempt number of every item with more than one attempt, by record key. */
  private Map<String, Integer> retried;

  private Map<String, List<RecordedExecution>> failedOrBlocked;
  private Map<String, Tally> tallies;
  private final Map<String, List<RecordedExecution>> succeeded = new HashMap<>();

  /** Rows looked up by {@link #latest}, by step and item key; null where there is none. */
  private final Map<String, Map<String, RecordedExecution>> looked = new HashMap<>();

  RecordedRun(String runId, DataSource dataSource) {
    this.runId = runId;
    this.dataSource = dataSource;
  }

  RecordedRun(String runId, DataSource dataSource, Summary known) {
    this(runId, dataSource);
    this.tallies = known.tallies();
    this.failedOrBlocked = known.failedOrBlocked();
    this.retried = known.retried();
  }

  /** The latest attempt numbers above 1, by record key; what a summary of this run carries on. */
  synchronized Map<String, Integer> retried() {
    overview();
    return retried;
  }

  String runId() {
    return runId;
  }

  /** Latest attempts that failed or were skipped because upstream failed, by step, in order. */
  synchronized Map<String, List<RecordedExecution>> failedOrBlocked() {
    overview();
    return failedOrBlocked;
  }

  /** Latest attempts counted per step, over every item (a copy the caller may change). */
  synchronized Map<String, Tally> tallies() {
    overview();
    return new HashMap<>(tallies);
  }

  /**
   * One pass over the run's rows, grouped so that the succeeded first attempts (nearly all of them)
   * come back as one count per step and only the rest as rows: what failed, and every later
   * attempt.
   */
  private void overview() {
    if (tallies != null) {
      return;
    }
    List<RecordedExecution> singles = new ArrayList<>();
    Map<String, Tally> counts = new HashMap<>();
    query(
        "SELECT step_id, status, error_code, attempt, k, COUNT(*), MIN(item_order) FROM ("
            + "SELECT step_id, status, error_code, attempt, item_order, "
            + "CASE WHEN status <> 'succeeded' OR attempt > 1 THEN item_key END AS k "
            + "FROM execution WHERE run_id = ?) r "
            + "GROUP BY step_id, status, error_code, attempt, k",
        List.of(),
        rs -> {
          RecordedExecution r =
              new RecordedExecution(
                  rs.getString(1),
                  rs.getString(5),
                  rs.getInt(4),
                  ExecutionStatus.of(rs.getString(2)),
                  rs.getString(3),
                  null,
                  null,
                  rs.getLong(7),
                  false);
          counts.merge(r.stepId(), Tally.NONE.plus(r, rs.getInt(6)), Tally::plus);
          if (r.itemKey() != null) {
            singles.add(r);
          }
        });
    Map<String, Integer> latest = new HashMap<>();
    for (RecordedExecution r : singles) {
      if (r.attempt() > 1) {
        latest.merge(RunState.recordKey(r.stepId(), r.itemKey()), r.attempt(), Math::max);
      }
    }
    retried = latest;
    Map<String, List<RecordedExecution>> failed = new LinkedHashMap<>();
    for (RecordedExecution r : singles) {
      if (isLatest(r) && r.failedOrBlocked()) {
        failed.computeIfAbsent(r.stepId(), k -> new ArrayList<>()).add(r);
      }
    }
    failed.values().forEach(l -> l.sort(Comparator.comparingLong(RecordedExecution::order)));
    failedOrBlocked = failed;
    // Earlier attempts of retried or redriven items are history: take them out of the counts.
    Map<String, List<String>> retriedByStep = new HashMap<>();
    retried
        .keySet()
        .forEach(
            k -> {
              int cut = k.indexOf('\u0000');
              retriedByStep
                  .computeIfAbsent(k.substring(0, cut), x -> new ArrayList<>())
                  .add(k.substring(cut + 1));
            });
    retriedByStep.forEach(
        (step, keys) -> {
          for (RecordedExecution r : rowsOf(step, keys)) {
            if (!isLatest(r)) {
              counts.merge(step, Tally.NONE.plus(r, -1), Tally::plus);
            }
          }
        });
    tallies = counts;
  }

  /** The item keys of a step, in item order. */
  List<String> keysOf(String step) {
    List<String> keys = new ArrayList<>();
    query(
        "SELECT item_key, MIN(item_order) FROM execution WHERE run_id = ? AND step_id = ? GROUP BY item_key ORDER BY 2",
        List.of(step),
        rs -> keys.add(rs.getString(1)));
    return keys;
  }

  /**
   * The latest attempts of the given items of a step, by item key. Remembered, since choosing what
   * a redrive runs and restarting it ask about the same items.
   */
  synchronized Map<String, RecordedExecution> latest(String step, Collection<String> keys) {
    Map<String, RecordedExecution> known = looked.computeIfAbsent(step, s -> new HashMap<>());
    List<String> unknown = keys.stream().filter(k -> !known.containsKey(k)).distinct().toList();
    if (!unknown.isEmpty()) {
      unknown.forEach(k -> known.put(k, null));
      for (RecordedExecution r : rowsOf(step, unknown)) {
        known.merge(r.itemKey(), r, (a, b) -> a.attempt() >= b.attempt() ? a : b);
      }
    }
    Map<String, RecordedExecution> out = new HashMap<>();
    for (String k : keys) {
      RecordedExecution r = known.get(k);
      if (r != null) {
        out.put(k, r);
      }
    }
    return out;
  }

  /**
   * The latest attempt of every item of the run, by {@link RunState#recordKey}: what a resumed run
   * is rebuilt from. Reads every row of the run.
   */
  Map<String, RecordedExecution> latestOfEveryItem() {
    Map<String, RecordedExecution> out = new HashMap<>();
    // Keeping the latest here spares the database a sort of every row of a big run.
    for (RecordedExecution r : rows("SELECT " + COLUMNS + " FROM execution WHERE run_id = ?")) {
      out.merge(
          RunState.recordKey(r.stepId(), r.itemKey()),
          r,
          (a, b) -> a.attempt() >= b.attempt() ? a : b);
    }
    return out;
  }

  /** The succeeded latest attempts of a step, in item order (what a fan-in over it reads). */
  synchronized List<RecordedExecution> succeeded(String step) {
    return succeeded.computeIfAbsent(
        step,
        s -> {
          overview();
          List<RecordedExecution> out = new ArrayList<>();
          for (RecordedExecution r :
              rows(
                  "SELECT "
                      + COLUMNS
                      + " FROM execution WHERE run_id = ? AND step_id = ? AND status = 'succeeded' ORDER BY item_order",
                  s)) {
            if (isLatest(r)) {
              out.add(r);
            }
          }
          return Collections.unmodifiableList(out);
        });
  }

  private boolean isLatest(RecordedExecution r) {
    Integer latest = retried.get(RunState.recordKey(r.stepId(), r.itemKey()));
    return latest == null || latest == r.attempt();
  }

  private List<RecordedExecution> rowsOf(String step, Collection<String> keys) {
    List<String> all = new ArrayList<>(new HashSet<>(keys));
    List<RecordedExecution> out = new ArrayList<>();
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
      List<String> params = new ArrayList<>();
      params.add(step);
      params.addAll(chunk);
      out.addAll(
          rows(
              "SELECT "
                  + COLUMNS
                  + " FROM execution WHERE run_id = ? AND step_id = ? AND item_key IN ("
                  + String.join(",", Collections.nCopies(chunk.size(), "?"))
                  + ")",
              params.toArray(String[]::new)));
    }
    return out;
  }

  private List<RecordedExecution> rows(String sql, String... params) {
    List<RecordedExecution> out = new ArrayList<>();
    query(
        sql,
        List.of(params),
        rs ->
            out.add(
                new RecordedExecution(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getInt(3),
                    ExecutionStatus.of(rs.getString(4)),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7),
                    rs.getLong(8),
                    false)));
    return out;
  }

  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  /** Runs a query whose first parameter is the run id, followed by {@code params}. */
  private void query(String sql, List<String> params, RowReader reader) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, runId);
      for (int i = 0; i < params.size(); i++) {
        ps.setString(i + 2, params.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not read the checkpoints of run " + runId + ": " + e.getMessage(), e);
    }
  }
}
