package dev.taproot.checkpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/** One read on its own connection, for the stores of this package. */
final class Jdbc {
  private Jdbc() {}

  interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  /**
   * Runs {@code sql} with {@code params} and hands every row to {@code reader}.
   *
   * @throws StoreException naming {@code what} could not be read
   */
  static void query(
      DataSource dataSource, String what, String sql, List<?> params, RowReader reader) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          reader.read(rs);
        }
      }
    } catch (SQLException e) {
      throw new StoreException("could not read " + what, e);
    }
  }
}
