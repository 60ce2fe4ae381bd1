package dev.taproot.support;

import dev.taproot.checkpoint.Lease;
import io.agroal.api.AgroalDataSource;
import io.quarkus.arc.Arc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads the lease a run's coordinator is held under, for tests that write checkpoints directly. */
public final class Leases {
  private Leases() {}

  public static Lease coordinator(String runId) {
    AgroalDataSource ds = Arc.container().instance(AgroalDataSource.class).get();
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT generation, fence, owner FROM run_unit WHERE run_id = ? AND unit = 0")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("run " + runId + " has no coordinator unit");
        }
        return new Lease(runId, 0, rs.getInt(1), rs.getLong(2), rs.getString(3));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
