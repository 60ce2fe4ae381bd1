package dev.taproot.engine;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.checkpoint.ClusterStore;
import dev.taproot.checkpoint.LiveCounts;
import dev.taproot.support.Api;
import dev.taproot.support.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The counts a partitioned run shows while it runs and once it ended (on H2, and on PostgreSQL in
 * the integration profile): as fresh as its checkpoints, never ahead of them, never going back, and
 * the same whether this service kept them in memory or reads them back after a restart.
 */
@QuarkusTest
@TestProfile(ClusterTest.SmallPartitions.class)
class PartitionProgressTest {
  private static final List<String> STEPS = List.of("a", "b", "total");
  private static final List<String> STATUSES =
      List.of("pending", "running", "succeeded", "failed", "skipped");

  @Inject AgroalDataSource dataSource;
  @Inject Engine engine;
  @Inject RunProgress progress;
  @Inject ClusterStore cluster;

  @Test
  void aPartitionedRunsCountsKeepUpWithItsCheckpoints() throws InterruptedException {
    String run = startWith777Spinning();

    // Polled faster than the web UI does: no answer may count more than the checkpoints hold
    // (nothing counted twice) or less than an earlier answer did.
    Map<String, Integer> seen = new HashMap<>();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              JsonPath view = Api.run(run);
              for (String step : List.of("a", "b")) {
                int shown = view.getInt("progress." + step + ".succeeded");
                int stored = succeeded(run, step);
                assertTrue(
                    shown <= stored,
                    step + ": " + shown + " shown, only " + stored + " checkpointed");
                int before = seen.getOrDefault(step, 0);
                assertTrue(shown >= before, step + ": " + shown + " after " + before);
                seen.put(step, shown);
                if ("running".equals(view.getString("status"))) {
                  // Partitions not claimed yet and those run here alike: each item counted once,
                  // as pending until it runs.
                  Map<String, Integer> counts = view.getMap("progress." + step);
                  assertEquals(
                      1050,
                      counts.values().stream().mapToInt(Integer::intValue).sum(),
                      step + ": " + counts);
                }
              }
              return succeeded(run, "b") == 1049;
            });

    // Every item but 777 is checkpointed. The writer tells the schedulers what it committed just
    // after the commit the query above saw; past that, the next answer counts every item.
    Thread.sleep(100);
    JsonPath view = Api.run(run);
    assertEquals("running", view.getString("status"));
    assertEquals(1049, view.getInt("progress.a.succeeded"), view.getMap("progress").toString());
    assertEquals(1, view.getInt("progress.a.running"), view.getMap("progress").toString());
    assertEquals(1049, view.getInt("progress.b.succeeded"), view.getMap("progress").toString());
    assertEquals(0, view.getInt("progress.total.succeeded"), view.getMap("progress").toString());
    // What another instance, or this one after a restart, shows: the done partitions counted
    // from their checkpoints, the one still running from its scheduler.
    Map<String, Map<String, Integer>> fromMemory = counts(run);
    forgetAll();
    assertEquals(fromMemory, counts(run), "done partitions read back from their checkpoints");

    cancel(run);
    // The cancel stops item 777, which ends failed (CANCELLED); nothing is left running.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () ->
                assertEquals(
                    Map.of(
                        "pending", 0, "running", 0, "succeeded", 1049, "failed", 1, "skipped", 0),
                    counts(run).get("a")));
    // The cancel moved the run to a new generation; its partitions still count its items.
    Map<String, Map<String, Integer>> cancelled = counts(run);
    forgetAll();
    assertEquals(cancelled, counts(run), "the cancelled run read back from its checkpoints");
  }

  @Test
  void aPartitionHeldByAnotherInstanceShowsWhatItsHolderLastSaid() throws Exception {
    String run = startWith777Spinning();
    awaitAllBut777(run);
    Thread.sleep(100); // the writer tells the schedulers just after the commit seen above
    Map<String, Map<String, Integer>> here = counts(run);
    assertEquals(1, here.get("a").get("running"), here.toString());

    String unit = "run_id = ? AND first_item <= 777 AND end_item > 777";
    int partition = (int) Sql.scalar(dataSource, "SELECT unit FROM run_unit WHERE " + unit, run);
    int generation =
        (int) Sql.scalar(dataSource, "SELECT generation FROM run_unit WHERE " + unit, run);
    // Its heartbeat (every 500 ms here) keeps what this instance counts of it in the unit's row.
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> reported(run, partition).path("a").path("running").asInt() == 1);

    handOver(run, partition, generation);
    forgetAll();
    assertEquals(
        here, counts(run), "the item running in a partition held elsewhere, as its holder said");
    assertNotNull(said(run, partition), "the holder's word is read while its lease runs");
    // A holder whose lease ran out (it died) runs nothing: its word no longer counts. Read at once,
    // before this instance claims the unit again.
    Sql.update(
        dataSource,
        "UPDATE run_unit SET lease_until = ? WHERE run_id = ? AND unit = ?",
        java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(60)),
        run,
        partition);
    assertNull(said(run, partition), "an expired lease's word is not read");

    // The other instance holds it again (so this one cannot claim it and run 777 itself): its
    // word is read while the run runs, and not once it is cancelled.
    handOver(run, partition, generation);
    assertNotNull(said(run, partition));
    cancel(run);
    assertEquals(
        0,
        counts(run).get("a").get("running"),
        "a cancelled run's partitions count nothing their holder said while it ran");
  }

  @Test
  void aCancelledRunsCountsAreKeptOnceNothingMoreCanBeCommittedForIt() throws Exception {
    String run = startWith777Spinning();
    awaitAllBut777(run);
    cancel(run);

    // Item 777's interrupted attempt commits after the cancel, so nothing is kept while the lease
    // it runs under may still be renewed (2 s here); past that, the next answer keeps the counts.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              counts(run);
              return endedCounts(run) != null;
            });
    Map<String, Map<String, Integer>> kept = counts(run);
    assertEquals(
        Map.of("pending", 0, "running", 0, "succeeded", 1049, "failed", 1, "skipped", 0),
        kept.get("a"),
        "the interrupted item is counted: its commit landed before the counts were kept");
    assertEquals(
        Map.of("pending", 0, "running", 0, "succeeded", 1049, "failed", 0, "skipped", 0),
        kept.get("b"));
    assertEquals(
        0L,
        Sql.scalar(
            dataSource,
            "SELECT COUNT(*) FROM run_unit WHERE run_id = ? AND owner IS NOT NULL",
            run),
        "every unit let go of, so no late commit gets through its fencing check");
    assertEquals(
        Sql.scalar(dataSource, "SELECT generation FROM run WHERE id = ?", run),
        (long) new ObjectMapper().readTree(endedCounts(run)).path("generation").asInt(),
        "kept for the cancelled generation");

    // From now on every instance, this one after a restart too, shows what the row keeps.
    assertEquals(
        1,
        update(
            "UPDATE run SET ended_counts = REPLACE(ended_counts, '\"succeeded\":1049',"
                + " '\"succeeded\":1048') WHERE id = ?",
            run));
    forgetAll();
    assertEquals(1048, counts(run).get("a").get("succeeded"), "read from the row, not counted");
  }

  @Test
  void countsReadBackFromTheCheckpointsEqualThoseTheServiceKept() throws SQLException {
    String failIf = Api.register("fail-if", Api.testModule("fail-if"));
    String inc = Api.register("inc", Api.testModule("inc"));
    String wf = ClusterTest.workflow(failIf, inc, ", fail: \"${{ 'fail' in item }}\"");
    // In partitions 1, 6 and 11.
    String run = Api.start(wf, Api.numberedItems(1050, Set.of(5, 512, 1049)));
    assertEquals("failed", Api.awaitFinished(run, Duration.ofSeconds(120)).getString("status"));

    Map<String, Map<String, Integer>> kept = counts(run);
    assertEquals(
        Map.of("pending", 0, "running", 0, "succeeded", 1047, "failed", 3, "skipped", 0),
        kept.get("a"));
    assertEquals(
        Map.of("pending", 0, "running", 0, "succeeded", 1047, "failed", 0, "skipped", 3),
        kept.get("b"));
    assertEquals(
        Map.of("pending", 0, "running", 0, "succeeded", 0, "failed", 0, "skipped", 1),
        kept.get("total"));
    forgetAll();
    assertEquals(kept, counts(run), "stored with the run's final status");
    endedBeforeCountsWereStored(run);
    assertEquals(kept, counts(run), "counted from the checkpoints, partition by partition");

    Api.redrive(run, "{\"items\": \"failed\", \"functions\": {\"work\": \"" + inc + "\"}}")
        .statusCode(202);
    assertEquals("succeeded", Api.awaitFinished(run, Duration.ofSeconds(120)).getString("status"));
    Map<String, Map<String, Integer>> redriven = counts(run);
    assertEquals(1050, redriven.get("a").get("succeeded"), redriven.toString());
    assertEquals(0, redriven.get("a").get("failed"), redriven.toString());
    assertEquals(1050, redriven.get("b").get("succeeded"), redriven.toString());
    assertEquals(0, redriven.get("b").get("skipped"), redriven.toString());
    assertEquals(1, redriven.get("total").get("succeeded"), redriven.toString());
    forgetAll();
    assertEquals(redriven, counts(run), "the redriven run's stored counts");
    endedBeforeCountsWereStored(run);
    assertEquals(redriven, counts(run), "the redriven run counted from its checkpoints");
  }

  @Test
  void countsStoredForAnEarlierGenerationDoNotApply() throws SQLException {
    String inc = Api.register("inc", Api.testModule("inc"));
    String wf = ClusterTest.workflow(inc, inc, "");
    String run = Api.start(wf, Api.numberedItems(250, Set.of()));
    assertEquals("succeeded", Api.awaitFinished(run, Duration.ofSeconds(60)).getString("status"));
    Map<String, Map<String, Integer>> kept = counts(run);
    assertEquals(250, kept.get("b").get("succeeded"));
    // As if an instance that does not store counts had redriven and finished the run since: the
    // stored counts name generation 1, the run is at generation 2.
    assertEquals(
        1,
        update(
            "UPDATE run SET ended_counts = REPLACE(ended_counts, '\"succeeded\":250',"
                + " '\"succeeded\":7'), generation = generation + 1"
                + " WHERE id = ? AND ended_counts LIKE '%\"succeeded\":250%'",
            run));
    update("UPDATE run_unit SET generation = generation + 1 WHERE run_id = ?", run);
    forgetAll();
    assertEquals(kept, counts(run), "counted again, not taken from generation 1's counts");
  }

  /**
   * A run of {@link ClusterTest#workflow} over 1,050 items whose item 777 (partition 8 of 11) spins
   * until cancelled; everything else is done in seconds.
   */
  private static String startWith777Spinning() {
    String spin = Api.register("spin", Api.testModule("spin"));
    String inc = Api.register("inc", Api.testModule("inc"));
    String wf =
        ClusterTest.workflow(spin, inc, ", spin: \"${{ item.n == 777 ? 500000000000 : 0 }}\"");
    return Api.start(wf, Api.numberedItems(1050, Set.of()));
  }

  /** Until every item but 777 went through b. */
  private void awaitAllBut777(String run) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> succeeded(run, "b") == 1049);
  }

  /**
   * Another instance takes the partition over: this one's next heartbeat finds the lease gone and
   * stops working on it, so only the unit's row tells what the holder counts.
   */
  private void handOver(String run, int partition, int generation) {
    Sql.update(
        dataSource,
        "UPDATE run_unit SET owner = 'another-instance', fence = fence + 1, lease_until = ?"
            + " WHERE run_id = ? AND unit = ?",
        java.sql.Timestamp.from(java.time.Instant.now().plusSeconds(3600)),
        run,
        partition);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> engine.partitionProgress(run, partition, generation).isEmpty());
  }

  private static void cancel(String run) {
    given().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
    assertEquals("cancelled", Api.awaitFinished(run, Duration.ofSeconds(60)).getString("status"));
  }

  private LiveCounts said(String run, int unit) {
    return cluster.units(run).stream()
        .filter(u -> u.unit() == unit)
        .findFirst()
        .orElseThrow()
        .reported();
  }

  /** What the holder of a unit of {@code run} last said of its items ({} when nothing). */
  private JsonNode reported(String run, int unit) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT live_counts FROM run_unit WHERE run_id = ? AND unit = ?")) {
      ps.setString(1, run);
      ps.setInt(2, unit);
      try (ResultSet rs = ps.executeQuery()) {
        String json = rs.next() ? rs.getString(1) : null;
        return new ObjectMapper().readTree(json == null ? "{}" : json);
      }
    }
  }

  private String endedCounts(String run) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT ended_counts FROM run WHERE id = ?")) {
      ps.setString(1, run);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** Takes away the run's stored counts, as a run that ended before they were stored has none. */
  private void endedBeforeCountsWereStored(String run) throws SQLException {
    assertEquals(1, update("UPDATE run SET ended_counts = NULL WHERE id = ?", run));
    forgetAll();
  }

  private int update(String sql, String run) {
    return Sql.update(dataSource, sql, run);
  }

  private void forgetAll() {
    engine.forgetFinishedRuns();
    progress.forget();
  }

  private static Map<String, Map<String, Integer>> counts(String run) {
    JsonPath view = Api.run(run);
    Map<String, Map<String, Integer>> out = new HashMap<>();
    for (String step : STEPS) {
      Map<String, Integer> counts = new HashMap<>();
      for (String status : STATUSES) {
        counts.put(status, view.getInt("progress." + step + "." + status));
      }
      out.put(step, counts);
    }
    return out;
  }

  /** Items of a step with a succeeded checkpoint. */
  private int succeeded(String run, String step) {
    return (int)
        Sql.scalar(
            dataSource,
            "SELECT COUNT(DISTINCT item_key) FROM execution"
                + " WHERE run_id = ? AND step_id = ? AND status = 'succeeded'",
            run,
            step);
  }
}
