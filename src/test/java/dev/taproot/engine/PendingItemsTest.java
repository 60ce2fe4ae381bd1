package dev.taproot.engine;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A step's pending count says how many of its items are still to run, not how many the scheduler
 * has made so far: an upload's records are made into items a window at a time, and an item-wise
 * step's items as its upstream's end, but a user following a run reads pending as what is left.
 */
@QuarkusTest
class PendingItemsTest {
  /** Fewer than a partition (5,000 by default), more than a window of items (4,096). */
  private static final int RECORDS = 4_900;

  /** Records below this spin until the run is cancelled, so the window stays full. */
  private static final int SPINNING = 4_500;

  @Test
  void pendingCountsEveryRecordNotRunYetAndEveryItemStillToFollow() {
    String wf =
        ClusterTest.workflowOver(
            "input.records",
            Api.register("spin", Api.testModule("spin")),
            Api.register("inc", Api.testModule("inc")),
            ", spin: \"${{ item.n < %d ? 500000000000 : 0 }}\"".formatted(SPINNING));
    String records =
        IntStream.range(0, RECORDS)
            .mapToObj(i -> "{\"n\": " + i + "}")
            .collect(Collectors.joining("\n"));
    String run = Api.startNdjson(wf, records);
    try {
      // Once the workers run spinning items, the window of a's items is full and nothing ends.
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> Api.run(run).getInt("progress.a.running") > 0);
      JsonPath view = Api.run(run);
      assertEquals("running", view.getString("status"));
      assertEquals(
          RECORDS,
          view.getInt("progress.a.pending") + view.getInt("progress.a.running"),
          "every record is pending or running: " + view.getMap("progress.a"));
      assertEquals(
          RECORDS,
          view.getInt("progress.b.pending"),
          "each of a's items will be followed by one of b's: " + view.getMap("progress.b"));
    } finally {
      given().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
    }
    JsonPath cancelled = Api.awaitFinished(run, Duration.ofSeconds(60));
    assertEquals("cancelled", cancelled.getString("status"));
    assertEquals(
        0, cancelled.getInt("progress.a.pending"), "a cancelled run has nothing left to run");
  }
}
