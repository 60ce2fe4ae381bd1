package dev.taproot.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import dev.taproot.support.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * An attempt that consumed one value keeps that lineage edge in its own execution row (migration
 * V9); one that consumed several keeps them in {@code lineage_edge}. Lineage reads the same either
 * way, also for a run written before V9 with every edge in {@code lineage_edge}: on H2 and on
 * PostgreSQL (the integration profile runs this class again).
 */
@QuarkusTest
class SoleEdgeTest {
  @Inject AgroalDataSource dataSource;
  @Inject LineageStore lineage;

  @Test
  void anOnlyEdgeStaysInItsRowAndLineageReadsAsFromARunWrittenBeforeIt() throws Exception {
    String wf = Api.incThroughFanIn("sole-edge");
    String run = Api.startNdjson(wf, "{\"n\": 10}\n{\"n\": 20}\n{\"n\": 30}\n");
    assertEquals("succeeded", Api.awaitFinished(run).getString("status"));

    Edge second = soleEdge(run, "second", "1");
    assertEquals(new Edge("first", "1", 1, "item.output"), second, "second/1 keeps its edge");
    assertEquals(
        new Edge(null, "1", null, "input.records[1]"),
        soleEdge(run, "first", "1"),
        "first/1 keeps its edge to record 1");
    assertEquals(0, edgeRows(run, "second"), "no lineage_edge row for an only edge");
    assertNull(soleEdge(run, "total", "0"), "a fan-in's row keeps none of its edges");
    assertEquals(3, edgeRows(run, "total"), "they are in lineage_edge, one per item");

    String reads = everyRead(run);
    assertTrue(reads.contains("second/1#1 -> total/0#1 @ steps.second.items"), reads);
    assertTrue(reads.contains("record/1 -> first/1#1 @ input.records[1]"), reads);

    // The same run as a service before V9 wrote it: every edge in lineage_edge.
    Sql.update(
        dataSource,
        "INSERT INTO lineage_edge (run_id, step_id, item_key, attempt, from_step, from_key,"
            + " from_attempt, path) SELECT run_id, step_id, item_key, attempt, from_step,"
            + " from_key, from_attempt, from_path FROM execution WHERE run_id = ?"
            + " AND from_path IS NOT NULL",
        run);
    Sql.update(
        dataSource,
        "UPDATE execution SET from_step = NULL, from_key = NULL, from_attempt = NULL,"
            + " from_path = NULL WHERE run_id = ?",
        run);
    assertNull(soleEdge(run, "second", "1"));
    assertEquals(3, edgeRows(run, "second"));
    assertEquals(reads, everyRead(run), "lineage reads the same from lineage_edge alone");
  }

  private record Edge(String fromStep, String fromKey, Integer fromAttempt, String path) {}

  /**
   * What every lineage query answers for the run, in one text: the API's graphs up from the fan-in
   * and down from the first step, and the store's hops, including those from an upload record.
   */
  private String everyRead(String run) {
    List<String> parts = new ArrayList<>();
    parts.add("up " + Api.lineageEdges(Api.lineage(run, "total", "0", "upstream")));
    for (String key : List.of("0", "1", "2")) {
      parts.add(
          "down " + key + " " + Api.lineageEdges(Api.lineage(run, "first", key, "downstream")));
      parts.add("record " + key + " " + hops(lineage.downstreamOfRecord(run, key)));
      AttemptRef second = new AttemptRef(run, new ItemRef("second", key), 1);
      parts.add("second up " + key + " " + hops(lineage.upstream(second)));
      parts.add("second down " + key + " " + hops(lineage.downstream(second)));
    }
    return String.join("\n", parts);
  }

  private static Set<String> hops(List<LineageStore.Hop> hops) {
    return hops.stream()
        .map(h -> (h.other() == null ? "record " + h.recordKey() : h.other()) + " @ " + h.path())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The edge kept in the row of attempt 1 of step/key, or null when it keeps none. */
  private Edge soleEdge(String run, String step, String key) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT from_step, from_key, from_attempt, from_path FROM execution"
                    + " WHERE run_id = ? AND step_id = ? AND item_key = ? AND attempt = 1")) {
      ps.setString(1, run);
      ps.setString(2, step);
      ps.setString(3, key);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), step + "/" + key + " has a checkpoint");
        if (rs.getString(4) == null) {
          assertNull(rs.getString(1));
          assertNull(rs.getString(2));
          return null;
        }
        Integer attempt = rs.getObject(3) == null ? null : rs.getInt(3);
        return new Edge(rs.getString(1), rs.getString(2), attempt, rs.getString(4));
      }
    }
  }

  private long edgeRows(String run, String step) {
    return Sql.scalar(
        dataSource,
        "SELECT COUNT(*) FROM lineage_edge WHERE run_id = ? AND step_id = ?",
        run,
        step);
  }
}
