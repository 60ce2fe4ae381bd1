package dev.taproot.checkpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;

/** One read on its own connection, for the stores of this package. */
final class Jdbc {
  private Jdbc() {}

  interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  /** How many values one {@code IN (…)} list holds: well under every driver's parameter limit. */
  static final int IN_CHUNK = 500;

  /**
   * Runs {@code sql} once per chunk of {@code values}, its {@code IN (?)} given one mark per value
   * of the chunk, with {@code params} before them, and hands every row to {@code reader}.
   *
   * @throws StoreException naming {@code what} could not be read
   */
  static void queryIn(
      DataSource dataSource,
      String what,
      String sql,
      List<?> params,
      List<?> values,
      RowReader reader) {
    int at = sql.indexOf("IN (?)");
    if (at < 0 || sql.indexOf("IN (?)", at + 1) >= 0) {
      throw new IllegalArgumentException("queryIn needs exactly one \"IN (?)\" in: " + sql);
    }
    for (int from = 0; from < values.size(); from += IN_CHUNK) {
      List<?> chunk = values.subList(from, Math.min(values.size(), from + IN_CHUNK));
      List<Object> all = new ArrayList<>(params);
      all.addAll(chunk);
      String marks = String.join(",", Collections.nCopies(chunk.size(), "?"));
      String expanded = sql.substring(0, at) + "IN (" + marks + ")" + sql.substring(at + 6);
      query(dataSource, what, expanded, all, reader);
    }
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
