package dev.taproot.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Reads and writes of the database behind a test's service, for what the API does not show (how a
 * checkpoint is stored) or to set up a state it cannot reach (a run as an older build left it).
 */
public final class Sql {
  private Sql() {}

  /**
   * The first column of the first row of {@code sql} (a count, say), {@code params} bound in order.
   */
  public static long scalar(DataSource db, String sql, Object... params) {
    try (Connection c = db.getConnection();
        PreparedStatement ps = bound(c, sql, params);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new AssertionError("no row from " + sql);
      }
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Runs an INSERT, UPDATE or DELETE with {@code params} bound in order; the rows it changed. */
  public static int update(DataSource db, String sql, Object... params) {
    try (Connection c = db.getConnection();
        PreparedStatement ps = bound(c, sql, params)) {
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static PreparedStatement bound(Connection c, String sql, Object... params)
      throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
    } catch (SQLException e) {
      ps.close();
      throw e;
    }
    return ps;
  }
}
