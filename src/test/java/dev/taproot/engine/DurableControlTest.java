package dev.taproot.engine;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import dev.taproot.support.AtOnce;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Control actions that race each other or follow a cancel (SPEC §5): one winner and a 409 for the
 * other, never a 500; a fan-in never summarises part of its items.
 */
@QuarkusTest
class DurableControlTest {
  private static final int ITEMS = 300;

  /** check (fails the items asked to) → slow (one by one) → count (a fan-in over slow). */
  private static String pipeline(String check, String spin, String echo) {
    String wf = Api.unique("control");
    Api.submit(
        """
        name: %s
        functions:
          check: { ref: %s }
          spin: { ref: %s }
          echo: { ref: %s }
        steps:
          check:
            function: check
            forEach: ${{ input.items }}
            input: ${{ item }}
          slow:
            function: spin
            forEach: ${{ steps.check.items }}
            input: { n: "${{ item.output.n }}", spin: 300000 }
          count:
            function: echo
            input: { seen: "${{ steps.slow.items.size() }}" }
        output: ${{ steps.count.output.seen }}
        """
            .formatted(wf, check, spin, echo));
    return wf;
  }

  private static String items(Set<Integer> failing) {
    return Api.numberedItems(ITEMS, failing);
  }

  @Test
  void aRedriveAfterACancelRunsEveryRecordTheCancelKeptFromRunning() {
    String checkName = Api.unique("check");
    String broken = Api.register(checkName, Api.testModule("fail-if"));
    String fixed = Api.register(checkName, Api.testModule("echo"));
    String wf =
        pipeline(
            broken,
            Api.register("spin", Api.testModule("spin")),
            Api.register("echo", Api.testModule("echo")));
    String run = Api.start(wf, items(Set.of(0)));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> Api.count(run, "check", "failed") > 0);
    given().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
    assertEquals("cancelled", Api.awaitFinished(run).getString("status"));
    int ranBeforeTheCancel = Api.count(run, "slow", "succeeded");
    assertTrue(
        ranBeforeTheCancel < ITEMS - 1,
        "the cancel must come before the run ended, or this test proves nothing ("
            + ranBeforeTheCancel
            + " items of slow ran)");

    Api.redrive(run, "{\"items\": [\"0\"], \"functions\": {\"check\": \"" + fixed + "\"}}")
        .statusCode(202);
    JsonPath done = Api.awaitFinished(run, Duration.ofSeconds(120));
    assertEquals("succeeded", done.getString("status"));
    assertEquals(ITEMS, done.getInt("output"), "the fan-in saw every record, not part of them");
    assertEquals(ITEMS, Api.count(run, "slow", "succeeded"));
  }

  @Test
  void aCancelledRunCanBeResumedAndRunsEveryItemThatDidNotFinish() {
    String wf =
        pipeline(
            Api.register("echo", Api.testModule("echo")),
            Api.register("spin", Api.testModule("spin")),
            Api.register("echo", Api.testModule("echo")));
    String run = Api.start(wf, items(Set.of()));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> Api.count(run, "slow", "succeeded") > 0);
    given().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
    assertEquals("cancelled", Api.awaitFinished(run).getString("status"));
    assertTrue(Api.count(run, "slow", "succeeded") < ITEMS, "cancelled mid-run");
    given().post("/api/v1/runs/" + run + "/resume").then().statusCode(202);
    given().post("/api/v1/runs/" + run + "/resume").then().statusCode(409);

    JsonPath done = Api.awaitFinished(run, Duration.ofSeconds(120));
    assertEquals("succeeded", done.getString("status"));
    assertEquals(ITEMS, done.getInt("output"));
    given().post("/api/v1/runs/" + run + "/resume").then().statusCode(409);
  }

  @Test
  void aCancelStopsTheExecutionsThatAreRunning() {
    String spin = Api.register("spin", Api.testModule("spin"));
    String wf = Api.unique("stop");
    Api.submit(
        """
        name: %s
        functions:
          spin: { ref: %s }
        steps:
          long:
            function: spin
            input: { spin: 500000000000 }
            timeout: 10m
        """
            .formatted(wf, spin));
    String run = Api.start(wf, "{}");
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> Api.run(run).getInt("progress.long.running") > 0);
    long cancelled = System.nanoTime();
    given().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
    // The guest spins for many minutes; on a machine loaded by other builds, starting and
    // stopping it may still take a while.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> given().get("/api/v1/runs/" + run + "/steps/long/items/0").statusCode() == 200);
    JsonPath item = Api.item(run, "long", "0");
    assertEquals("CANCELLED", item.getString("error.code"), "stopped, not failed by itself");
    assertTrue(
        Duration.ofNanos(System.nanoTime() - cancelled).toSeconds() < 60,
        "the guest was stopped, not left to spin for minutes");
    assertEquals("cancelled", Api.run(run).getString("status"));
  }

  @Test
  void twoRedrivesAtTheSameMomentGiveOneWinnerAndA409() throws Exception {
    String run = finishedFailedRun();
    // Every item from the first step: the redrive that wins runs for seconds, so the other one
    // meets it however late its thread is scheduled (a redrive after the first one ended would be
    // a new redrive, rightly accepted).
    String everyItem =
        java.util.stream.IntStream.range(0, ITEMS)
            .mapToObj(i -> "\"" + i + "\"")
            .collect(
                java.util.stream.Collectors.joining(
                    ",", "{\"from\": \"check\", \"items\": [", "]}"));
    List<Integer> statuses =
        AtOnce.run(List.of(() -> redrive(run, everyItem), () -> redrive(run, everyItem)));
    statuses.sort(Integer::compare);
    assertEquals(List.of(202, 409), statuses);
    assertEquals("failed", Api.awaitFinished(run, Duration.ofSeconds(120)).getString("status"));
    assertEquals(2, Api.item(run, "check", "3").getInt("attempt"), "redriven once, not twice");
    assertEquals(2, Api.item(run, "check", "150").getInt("attempt"), "redriven once, not twice");
  }

  @Test
  void aRedriveRacingACancelGivesOneConsistentAnswer() throws Exception {
    for (int round = 0; round < 3; round++) {
      String run = finishedFailedRun();
      List<Integer> statuses =
          AtOnce.run(
              List.of(
                  () -> redrive(run, "{\"items\": \"failed\"}"),
                  () -> given().post("/api/v1/runs/" + run + "/cancel").statusCode()));
      int redrive = statuses.get(0);
      int cancel = statuses.get(1);
      assertTrue(Set.of(202, 409).contains(redrive), "redrive answered " + redrive);
      assertTrue(Set.of(202, 409).contains(cancel), "cancel answered " + cancel);
      String status = Api.awaitFinished(run).getString("status");
      if (cancel == 202) {
        assertEquals(202, redrive, "a cancel can only win over a run the redrive restarted");
        assertEquals("cancelled", status, "the cancel has the last word");
        await()
            .during(Duration.ofMillis(300))
            .atMost(Duration.ofSeconds(2))
            .until(() -> "cancelled".equals(Api.run(run).getString("status")));
      } else {
        assertEquals("failed", status);
      }
    }
  }

  private String finishedFailedRun() {
    String wf =
        pipeline(
            Api.register("fail-if", Api.testModule("fail-if")),
            Api.register("spin", Api.testModule("spin")),
            Api.register("echo", Api.testModule("echo")));
    String run = Api.start(wf, items(Set.of(3)));
    assertEquals("failed", Api.awaitFinished(run, Duration.ofSeconds(120)).getString("status"));
    return run;
  }

  private static int redrive(String run, String body) {
    return Api.redrive(run, body).extract().statusCode();
  }
}
