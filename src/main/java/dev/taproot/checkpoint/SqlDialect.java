package dev.taproot.checkpoint;

import java.sql.Connection;
import java.sql.SQLException;

/** The few statements whose idempotent form differs between H2 and PostgreSQL. */
public enum SqlDialect {
  H2(
      "MERGE INTO payload (digest, size_bytes, bytes) KEY (digest) VALUES (?, ?, ?)",
      "MERGE INTO execution ("
          + Columns.EXECUTION
          + ") KEY (run_id, step_id, item_key, attempt) VALUES ("
          + Columns.EXECUTION_PARAMS
          + ")"),
  POSTGRESQL(
      "INSERT INTO payload (digest, size_bytes, bytes) VALUES (?, ?, ?) ON CONFLICT (digest) DO NOTHING",
      "INSERT INTO execution ("
          + Columns.EXECUTION
          + ") VALUES ("
          + Columns.EXECUTION_PARAMS
          + ") ON CONFLICT (run_id, step_id, item_key, attempt) DO NOTHING");

  public final String insertPayload;
  public final String insertExecution;

  SqlDialect(String insertPayload, String insertExecution) {
    this.insertPayload = insertPayload;
    this.insertExecution = insertExecution;
  }

  public static SqlDialect of(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT);
    return product.contains("postgres") ? POSTGRESQL : H2;
  }

  static final class Columns {
    static final String EXECUTION =
        "run_id, step_id, item_key, attempt, item_order, status, function_ref, function_digest, input_digest,"
            + " output_digest, error_code, error_message, logs, seed, started_at, finished_at, duration_micros,"
            + " queued_micros, trace_id, span_id";
    static final String EXECUTION_PARAMS =
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

    private Columns() {}
  }
}
