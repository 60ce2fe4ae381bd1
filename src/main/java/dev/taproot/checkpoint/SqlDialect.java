package dev.taproot.checkpoint;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The statements whose form differs between H2 and PostgreSQL: storing a payload that may be stored
 * already (a digest names its bytes, so keeping either copy is the same; checkpoint rows, where it
 * is not, are plain inserts on both, see {@link ExecutionStore}), a lease's expiry in the
 * database's clock, claiming rows that no other transaction holds, and reading a step's rows for a
 * list of item keys.
 */
enum SqlDialect {
  H2(
      "MERGE INTO payload (digest, size_bytes, bytes) KEY (digest) VALUES (?, ?, ?)",
      "DATEADD(MILLISECOND, ?, CURRENT_TIMESTAMP)",
      "FOR UPDATE SKIP LOCKED",
      // H2 looks up the whole primary key for each array element only in this join form; with
      // "item_key IN (...)" or "= ANY(?)" it reads every row of the step and filters
      "SELECT %1$s FROM UNNEST(?) AS k(wanted_key) JOIN execution e ON e.run_id = ?"
          + " AND e.step_id = ? AND e.item_key = k.wanted_key WHERE %2$s"),
  POSTGRESQL(
      "INSERT INTO payload (digest, size_bytes, bytes) VALUES (?, ?, ?)"
          + " ON CONFLICT (digest) DO NOTHING",
      "CURRENT_TIMESTAMP + CAST(? AS BIGINT) * INTERVAL '1 millisecond'",
      "FOR UPDATE OF u SKIP LOCKED",
      // Without statistics (a fresh run's rows always lack them: autovacuum analyses later, and a
      // new run_id is never among the common values) PostgreSQL plans a plain join or an IN list
      // as one scan of the whole step per key or per chunk; LATERAL makes each key one lookup.
      "SELECT %1$s FROM unnest(CAST(? AS VARCHAR[])) AS k(wanted_key) CROSS JOIN LATERAL"
          + " (SELECT * FROM execution x WHERE x.run_id = ? AND x.step_id = ?"
          + " AND x.item_key = k.wanted_key ORDER BY x.attempt) e WHERE %2$s");

  final String insertPayload;

  /** The database's time now plus a number of milliseconds (one parameter). */
  final String nowPlusMillis;

  /** Locks the selected rows of {@code run_unit u} and passes over those locked already. */
  final String lockUnitsSkipLocked;

  private final String rowsOfKeys;

  SqlDialect(
      String insertPayload, String nowPlusMillis, String lockUnitsSkipLocked, String rowsOfKeys) {
    this.insertPayload = insertPayload;
    this.nowPlusMillis = nowPlusMillis;
    this.lockUnitsSkipLocked = lockUnitsSkipLocked;
    this.rowsOfKeys = rowsOfKeys;
  }

  /**
   * Selects {@code columns} of {@code execution} (named as they are: the keys' own column is {@code
   * wanted_key}): every attempt of the items of one step whose keys are in an array, where {@code
   * condition} holds. Parameters: the keys (one array), the run, the step. Each key is one lookup
   * of the primary key, so reading a few items of a big step costs what those items do.
   */
  String rowsOfKeys(String columns, String condition) {
    return rowsOfKeys.formatted(columns, condition);
  }

  static SqlDialect of(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    return product.contains("postgres") ? POSTGRESQL : H2;
  }
}
