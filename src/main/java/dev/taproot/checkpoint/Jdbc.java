package dev.taproot.checkpoint;

import java.sql.Array;
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

  /** How many keys one array parameter of {@link #queryKeys} holds. */
  static final int KEY_CHUNK = 10_000;

  /**
   * Reads {@code columns} of the rows of one step whose item keys are in {@code keys}, where {@code
   * condition} holds (see {@link SqlDialect#rowsOfKeys}), and hands every row to {@code reader}:
   * once per time its key is in {@code keys}, so callers pass each key once.
   *
   * @throws StoreException naming {@code what} could not be read
   */
  static void queryKeys(
      DataSource dataSource,
      String what,
      String columns,
      String condition,
      String runId,
      String step,
      List<String> keys,
      RowReader reader) {
    if (keys.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(SqlDialect.of(c).rowsOfKeys(columns, condition))) {
      for (int from = 0; from < keys.size(); from += KEY_CHUNK) {
        List<String> chunk = keys.subList(from, Math.min(keys.size(), from + KEY_CHUNK));
        Array array = c.createArrayOf("VARCHAR", chunk.toArray());
        try {
          ps.setArray(1, array);
          ps.setString(2, runId);
          ps.setString(3, step);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              reader.read(rs);
            }
          }
        } finally {
          array.free();
        }
      }
    } catch (SQLException e) {
      throw new StoreException("could not read " + what, e);
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
