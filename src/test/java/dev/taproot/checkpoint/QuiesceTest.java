package dev.taproot.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import dev.taproot.support.Leases;
import dev.taproot.support.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An ended run's counts are kept once nothing more can be committed for it: its units are let go of
 * only when their holders stopped renewing them, and from then on the fencing check of a commit
 * refuses whatever a late holder still sends. On H2 and on PostgreSQL (the integration profile runs
 * this class again).
 */
@QuarkusTest
class QuiesceTest {
  private static final String ANOTHER = "another-instance";

  @Inject AgroalDataSource dataSource;
  @Inject RunStore runs;
  @Inject ClusterStore cluster;

  @Test
  void anEndedRunIsLetGoOfOnlyOnceItsLeaseRanOutAndThenNothingOfItCommits() throws SQLException {
    String run = Api.finishedRun("quiesce");
    StoredRun ended = runs.find(run).orElseThrow();
    // Another instance holds the run's unit and still renews it: its interrupted attempts, say,
    // are still to commit.
    holdUntil(run, Instant.now().plusSeconds(3600));
    Lease late = Leases.coordinator(run);

    assertFalse(runs.quiesce(ended), "a lease still runs");
    assertEquals(1, owned(run), "nothing let go of while a lease runs");
    assertEquals(Set.of(), fence(late), "its holder can still commit");

    // Its holder stops renewing it; the lease is the same, only run out.
    lapse(run);
    assertEquals(Set.of(), fence(late), "a lapsed lease alone refuses nothing");
    assertTrue(runs.quiesce(ended));
    assertEquals(0, owned(run));
    assertEquals(Set.of(late), fence(late), "a commit of the late holder is refused");
    assertTrue(runs.quiesce(ended), "asking again changes nothing");
  }

  @Test
  void aRunThatChangedSinceItWasReadIsNeitherQuiescedNorGivenCounts() throws SQLException {
    String run = Api.finishedRun("quiesce-changed");
    StoredRun ended = runs.find(run).orElseThrow();
    String kept = endedCounts(run);
    // As if a redrive had reopened the run since it was read, and its new unit was not claimed yet.
    Sql.update(
        dataSource,
        "UPDATE run SET status = 'running', generation = generation + 1 WHERE id = ?",
        run);
    try {
      holdUntil(run, Instant.now().minusSeconds(60));
      assertFalse(runs.quiesce(ended), "the run is not the one that was read");
      assertEquals(1, owned(run), "nothing of a reopened run let go of");

      runs.keepEndedCounts(
          ended,
          new EndedCounts(
              ended.generation(),
              Map.of(
                  "one",
                  Map.of(
                      ExecutionStatus.SUCCEEDED, 7,
                      ExecutionStatus.FAILED, 0,
                      ExecutionStatus.SKIPPED, 0))));
      assertEquals(kept, endedCounts(run), "counts of the generation read are not kept");
    } finally {
      Sql.update(dataSource, "UPDATE run SET status = 'succeeded' WHERE id = ?", run);
    }
  }

  @Test
  void aLeaseTakenAfterTheLookIsNotLetGoOf() throws SQLException {
    String run = Api.finishedRun("quiesce-retaken");
    // As if a redrive had reopened the run and its unit been claimed after the units were looked
    // at: only a lapsed lease may be let go of.
    holdUntil(run, Instant.now().plusSeconds(3600));
    try (Connection c = dataSource.getConnection()) {
      cluster.letGoOfLapsed(c, run);
    }
    assertEquals(1, owned(run), "a running lease is kept");

    lapse(run);
    try (Connection c = dataSource.getConnection()) {
      cluster.letGoOfLapsed(c, run);
    }
    assertEquals(0, owned(run), "a lapsed one is let go of");
  }

  private void lapse(String run) {
    assertEquals(
        1,
        Sql.update(
            dataSource,
            "UPDATE run_unit SET lease_until = ? WHERE run_id = ?",
            Timestamp.from(Instant.now().minusSeconds(60)),
            run));
  }

  private void holdUntil(String run, Instant until) {
    assertEquals(
        1,
        Sql.update(
            dataSource,
            "UPDATE run_unit SET owner = ?, fence = fence + 1, lease_until = ? WHERE run_id = ?",
            ANOTHER,
            Timestamp.from(until),
            run));
  }

  private Set<Lease> fence(Lease lease) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        return cluster.fence(c, List.of(lease));
      } finally {
        c.rollback();
      }
    }
  }

  private long owned(String run) {
    return Sql.scalar(
        dataSource, "SELECT COUNT(*) FROM run_unit WHERE run_id = ? AND owner IS NOT NULL", run);
  }

  private String endedCounts(String run) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT ended_counts FROM run WHERE id = ?")) {
      ps.setString(1, run);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        return rs.getString(1);
      }
    }
  }
}
