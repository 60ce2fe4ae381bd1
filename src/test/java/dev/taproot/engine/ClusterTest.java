package dev.taproot.engine;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import dev.taproot.support.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Leases, partitions and fencing inside one service (on H2, and on PostgreSQL in the integration
 * profile): the same code path as several instances, which ClusterIT covers with separate JVMs.
 */
@QuarkusTest
@TestProfile(ClusterTest.SmallPartitions.class)
class ClusterTest {
  /** Partitions of 100 items and short leases, so that a test sees many of each. */
  public static class SmallPartitions implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "taproot.cluster.partition-size", "100",
          "taproot.cluster.lease", "2s",
          "taproot.cluster.heartbeat", "500ms",
          "taproot.cluster.claim-interval", "200ms");
    }
  }

  @Inject AgroalDataSource dataSource;
  @Inject ClusterMember member;

  /**
   * a (forEach over the input) → b (item-wise) → total (a fan-in over b); a may run for minutes,
   * for tests that hold one item back.
   */
  static String workflow(String fn, String inc, String extraInput) {
    return workflowOver("input.items", fn, inc, extraInput);
  }

  /** As {@link #workflow}, a's items taken from {@code list}: {@code input.records} for uploads. */
  static String workflowOver(String list, String fn, String inc, String extraInput) {
    String wf = Api.unique("cluster");
    Api.submit(
        """
        name: %s
        functions:
          work: { ref: %s }
          inc: { ref: %s }
        steps:
          a:
            function: work
            forEach: ${{ %s }}
            input: { n: "${{ item.n }}"%s }
            timeout: 10m
          b:
            function: inc
            forEach: ${{ steps.a.items }}
            input: ${{ item.output }}
          total:
            function: inc
            input: { n: "${{ steps.b.items.map(i, i.output.n).size() }}" }
        output: ${{ steps.total.output.n }}
        """
            .formatted(wf, fn, inc, list, extraInput));
    return wf;
  }

  @Test
  void aBigRunIsSplitIntoPartitionsAndItsFanInSeesEveryItem() throws SQLException {
    String inc = Api.register("inc", Api.testModule("inc"));
    String wf = workflow(inc, inc, "");
    String run = Api.start(wf, Api.numberedItems(1050, java.util.Set.of()));

    JsonPath done = Api.awaitFinished(run, Duration.ofSeconds(120));
    assertEquals("succeeded", done.getString("status"));
    assertEquals(1051, done.getInt("output"), "the fan-in counted all 1,050 items, plus one");
    assertEquals(11, scalar("SELECT COUNT(*) FROM run_unit WHERE run_id = ? AND unit > 0", run));
    assertEquals(
        11,
        scalar(
            "SELECT COUNT(*) FROM run_unit WHERE run_id = ? AND unit > 0 AND state = 'done'", run));
    assertExactlyOneSuccessPerItem(run, Map.of("a", 1050, "b", 1050, "total", 1));
    assertEquals(2, Api.item(run, "b", "0").getInt("output.n"), "0 went through inc twice");
    assertEquals(1051, Api.item(run, "b", "1049").getInt("output.n"));
    assertEquals(
        "1049",
        Api.item(run, "a", "1049").getString("key"),
        "keys are those of an unpartitioned run: the index in the input list");
  }

  @Test
  void failuresInSeveralPartitionsFailTheRunByNameAndARedriveCompletesIt() throws SQLException {
    String failIf = Api.register("fail-if", Api.testModule("fail-if"));
    String inc = Api.register("inc", Api.testModule("inc"));
    String wf = workflow(failIf, inc, ", fail: \"${{ 'fail' in item }}\"");
    // In partitions 1, 6 and 11 (100 items each in the test profile).
    String run = Api.start(wf, Api.numberedItems(1050, java.util.Set.of(5, 512, 1049)));

    JsonPath failed = Api.awaitFinished(run, Duration.ofSeconds(120));
    assertEquals("failed", failed.getString("status"));
    assertTrue(
        failed.getString("error.message").contains("3 item(s) failed in step(s) a"),
        failed.getString("error.message"));
    assertEquals(1047, failed.getInt("progress.a.succeeded"));
    assertEquals(3, failed.getInt("progress.a.failed"));
    assertEquals(1047, failed.getInt("progress.b.succeeded"));
    assertEquals(3, failed.getInt("progress.b.skipped"), "b of a failed item never ran");
    assertEquals(0, failed.getInt("progress.total.succeeded"), "the fan-in never saw part of b");
    assertEquals(
        "failed", Api.item(run, "a", "512").getString("status"), "the failed items, by key");

    Api.redrive(run, "{\"items\": \"failed\", \"functions\": {\"work\": \"" + inc + "\"}}")
        .statusCode(202);
    JsonPath done = Api.awaitFinished(run, Duration.ofSeconds(120));
    assertEquals("succeeded", done.getString("status"));
    assertEquals(1051, done.getInt("output"), "the fan-in counted every item once redriven");
    assertExactlyOneSuccessPerItem(run, Map.of("a", 1050, "b", 1050, "total", 1));
  }

  @Test
  void aStepThatFollowsAPartitionedStepButAlsoReadsAWholeStepRunsAfterThePartitions()
      throws SQLException {
    String inc = Api.register("inc", Api.testModule("inc"));
    String wf = Api.unique("cluster-after");
    Api.submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
          a:
            function: inc
            forEach: ${{ input.items }}
            input: { n: "${{ item.n }}" }
          all:
            function: inc
            input: { n: "${{ steps.a.items.size() }}" }
          c:
            function: inc
            forEach: ${{ steps.a.items }}
            input: { n: "${{ item.output.n + steps.all.output.n }}" }
          total:
            function: inc
            input: { n: "${{ steps.c.items.size() }}" }
        output: ${{ steps.total.output.n }}
        """
            .formatted(wf, inc));
    String run = Api.start(wf, Api.numberedItems(250, java.util.Set.of()));
    JsonPath done = Api.awaitFinished(run, Duration.ofSeconds(120));
    assertEquals("succeeded", done.getString("status"));
    assertEquals(251, done.getInt("output"), "c ran for every one of a's 250 items");
    assertEquals(3, scalar("SELECT COUNT(*) FROM run_unit WHERE run_id = ? AND unit > 0", run));
    assertExactlyOneSuccessPerItem(run, Map.of("a", 250, "all", 1, "c", 250, "total", 1));
    // c/7 = inc(a/7 + all) = (7 + 1) + (250 + 1) + 1
    assertEquals(260, Api.item(run, "c", "7").getInt("output.n"));
    JsonPath lineage =
        given()
            .get("/api/v1/runs/" + run + "/steps/c/items/7/lineage?direction=upstream")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertTrue(
        lineage.getList("edges.findAll { it.to == 'c/7#1' }.from").contains("a/7#1"),
        "c/7 follows a/7, which a partition ran: " + lineage.getList("edges"));
    assertTrue(lineage.getList("nodes.step").contains("all"), "and it read the fan-in all");
  }

  @Test
  void aStreamedUploadIsPartitionedByItsRecords() throws SQLException {
    String inc = Api.register("inc", Api.testModule("inc"));
    String ndjson =
        java.util.stream.IntStream.range(0, 350)
            .mapToObj(i -> "{\"n\": " + i + "}")
            .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    String streamed = Api.unique("cluster-ndjson");
    Api.submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
          a: { function: inc, forEach: "${{ input.records }}", input: "${{ item }}" }
          total: { function: inc, input: { n: "${{ steps.a.items.size() }}" } }
        output: ${{ steps.total.output.n }}
        """
            .formatted(streamed, inc));
    String run = Api.startNdjson(streamed, ndjson);
    JsonPath done = Api.awaitFinished(run, Duration.ofSeconds(120));
    assertEquals("succeeded", done.getString("status"));
    assertEquals(351, done.getInt("output"));
    assertEquals(4, scalar("SELECT COUNT(*) FROM run_unit WHERE run_id = ? AND unit > 0", run));
    assertExactlyOneSuccessPerItem(run, Map.of("a", 350, "total", 1));
    assertEquals(
        300,
        Api.item(run, "a", "299").getInt("output.n"),
        "record 299 of the last but one partition");
  }

  @Test
  void aStaleOwnerIsFencedAndTheWorkIsTakenOver() throws SQLException {
    String spin = Api.register("spin", Api.testModule("spin"));
    String inc = Api.register("inc", Api.testModule("inc"));
    String wf = workflow(spin, inc, ", spin: 3000000");
    String run = Api.start(wf, Api.numberedItems(400, java.util.Set.of()));
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> scalar("SELECT COUNT(*) FROM execution WHERE run_id = ?", run) > 20);
    long refusedBefore = member.fencedWrites();
    long lostBefore = member.leasesLost();

    // Another instance claims every unit this one holds, then dies at once: the leases are its,
    // and already run out. What this instance still commits under its old leases must be refused,
    // and the work continue from the checkpoints under new claims.
    int stolen =
        update(
            "UPDATE run_unit SET owner = 'ghost', fence = fence + 1, lease_until = ?"
                + " WHERE run_id = ? AND owner IS NOT NULL AND state = 'open'",
            java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(60)),
            run);
    assertTrue(stolen > 0, "the run had units held");

    JsonPath done = Api.awaitFinished(run, Duration.ofSeconds(180));
    assertEquals("succeeded", done.getString("status"));
    assertEquals(401, done.getInt("output"));
    assertExactlyOneSuccessPerItem(run, Map.of("a", 400, "b", 400, "total", 1));
    assertTrue(
        member.leasesLost() > lostBefore,
        "the heartbeat or the fencing check found the leases lost");
    assertTrue(member.takeovers() > 0, "the ghost's expired leases were taken over");
    assertTrue(
        member.fencedWrites() > refusedBefore,
        "what the stale scheduler still handed in was refused by the fencing check");
  }

  @Test
  void theClusterShowsThisInstanceAndTheWorkItHolds() {
    String spin = Api.register("spin", Api.testModule("spin"));
    String inc = Api.register("inc", Api.testModule("inc"));
    String wf = workflow(spin, inc, ", spin: 2000000");
    String run = Api.start(wf, Api.numberedItems(300, java.util.Set.of()));
    JsonPath cluster =
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(50))
            .until(
                () -> given().get("/api/v1/cluster").then().statusCode(200).extract().jsonPath(),
                c -> c.getList("units.findAll { it.runId == '" + run + "' }").size() >= 3);
    String self = cluster.getString("self");
    assertEquals(member.id(), self);
    assertEquals("active", cluster.getString("instances.find { it.id == '" + self + "' }.state"));
    List<Integer> units =
        cluster.getList("units.findAll { it.runId == '" + run + "' }.unit", Integer.class);
    assertTrue(units.containsAll(List.of(0, 1, 2, 3)), "coordinator and 3 partitions: " + units);
    assertEquals(
        self,
        cluster.getString("units.find { it.runId == '" + run + "' && it.state == 'held' }.owner"));
    assertEquals(
        0, cluster.getInt("units.find { it.runId == '" + run + "' && it.unit == 1 }.items.first"));
    assertEquals("succeeded", Api.awaitFinished(run, Duration.ofSeconds(120)).getString("status"));
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(metrics.contains("taproot_cluster_claims_total"), "claims are a metric");
    assertTrue(metrics.contains("taproot_cluster_fencing_refused_total"));
  }

  private void assertExactlyOneSuccessPerItem(String run, Map<String, Integer> items)
      throws SQLException {
    for (Map.Entry<String, Integer> step : items.entrySet()) {
      assertEquals(
          step.getValue(),
          scalar(
              "SELECT COUNT(*) FROM execution WHERE run_id = ? AND step_id = '"
                  + step.getKey()
                  + "' AND status = 'succeeded'",
              run),
          "one success per item of " + step.getKey());
      assertEquals(
          step.getValue(),
          scalar(
              "SELECT COUNT(DISTINCT item_key) FROM execution WHERE run_id = ? AND step_id = '"
                  + step.getKey()
                  + "' AND status = 'succeeded'",
              run),
          "no item of " + step.getKey() + " succeeded twice");
    }
  }

  private int scalar(String sql, String run) {
    return (int) Sql.scalar(dataSource, sql, run);
  }

  private int update(String sql, Object... params) {
    return Sql.update(dataSource, sql, params);
  }
}
