package dev.taproot.checkpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

/** Idempotent payload inserts, shared by the checkpoint writer and run creation. */
public final class PayloadSql {
  private PayloadSql() {}

  /** Inserts the payloads that are not stored yet; returns the bytes offered. */
  public static long insert(Connection c, SqlDialect dialect, Collection<Payload> payloads)
      throws SQLException {
    long bytes = 0;
    try (PreparedStatement ps = c.prepareStatement(dialect.insertPayload)) {
      int n = 0;
      for (Payload p : payloads) {
        ps.setString(1, p.digest());
        ps.setLong(2, p.bytes().length);
        ps.setBytes(3, p.bytes());
        ps.addBatch();
        bytes += p.bytes().length;
        if (++n % 500 == 0) {
          ps.executeBatch();
        }
      }
      if (n % 500 != 0) {
        ps.executeBatch();
      }
    }
    return bytes;
  }
}
