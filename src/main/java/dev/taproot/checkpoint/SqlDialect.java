package dev.taproot.checkpoint;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The one statement whose form differs between H2 and PostgreSQL: storing a payload that may be
 * stored already. A digest names its bytes, so keeping either copy is the same; checkpoint rows,
 * where it is not, are plain inserts on both (see {@link ExecutionStore}).
 */
enum SqlDialect {
  H2("MERGE INTO payload (digest, size_bytes, bytes) KEY (digest) VALUES (?, ?, ?)"),
  POSTGRESQL(
      "INSERT INTO payload (digest, size_bytes, bytes) VALUES (?, ?, ?)"
          + " ON CONFLICT (digest) DO NOTHING");

  final String insertPayload;

  SqlDialect(String insertPayload) {
    this.insertPayload = insertPayload;
  }

  static SqlDialect of(Connection c) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    return product.contains("postgres") ? POSTGRESQL : H2;
  }
}
