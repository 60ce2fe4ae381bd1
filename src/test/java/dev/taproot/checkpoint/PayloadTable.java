package dev.taproot.checkpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** What the payload table holds, read straight from the database by the tests of this package. */
final class PayloadTable {
  private PayloadTable() {}

  static boolean holds(DataSource dataSource, String digest) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT 1 FROM payload WHERE digest = ?")) {
      ps.setString(1, digest);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
