package dev.taproot.checkpoint;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The statements whose form differs between H2 and PostgreSQL: storing a payload that may be stored
 * already (a digest names its bytes, so keeping either copy is the same; checkpoint rows, where it
 * is not, are plain inserts on both, see {@link ExecutionStore}), a lease's expiry in the
 * database's clock, and claiming rows that no other transaction holds.
 */
enum SqlDialect {
  H2(
      "MERGE INTO payload (digest, size_bytes, bytes) KEY (digest) VALUES (?, ?, ?)",
      "DATEADD(MILLISECOND, ?, CURRENT_TIMESTAMP)",
      "FOR UPDATE SKIP LOCKED"),
  POSTGRESQL(
      "INSERT INTO payload (digest, size_bytes, bytes) VALUES (?, ?, ?)"
          + " ON CONFLICT (digest) DO NOTHING",
      "CURRENT_TIMESTAMP + CAST(? AS BIGINT) * INTERVAL '1 millisecond'",
      "FOR UPDATE OF u SKIP LOCKED");

  final String insertPayload;

  /** The database's time now plus a number of milliseconds (one parameter). */
  final String nowPlusMillis;

  /** Locks the selected rows of {@code run_unit u} and passes over those locked already. */
  final String lockUnitsSkipLocked;

  SqlDialect(String insertPayload, String nowPlusMillis, String lockUnitsSkipLocked) {
    this.insertPayload = insertPayload;
    this.nowPlusMillis = nowPlusMillis;
    this.lockUnitsSkipLocked = lockUnitsSkipLocked;
  }

  static SqlDialect of(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    return product.contains("postgres") ? POSTGRESQL : H2;
  }
}
