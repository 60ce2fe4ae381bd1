package dev.taproot.replay;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Replays run on their own bounded pool (the test profile: 1 thread, 2 waiting): a burst of slow
 * replays gets 429 with Retry-After for what does not fit, and the rest answer.
 */
@QuarkusTest
class ReplayBurstTest {

  @Test
  void aBurstOfReplaysIsRefusedWith429AndRetryAfter()
      throws InterruptedException, ExecutionException {
    String sleep = Api.register("sleep", Api.testModule("sleep"));
    String wf = Api.unique("burst");
    Api.submit(
        """
        name: %s
        functions:
          sleep: { ref: %s }
        steps:
          nap: { function: sleep, timeout: 1s }
        """
            .formatted(wf, sleep));
    String run = Api.start(wf, "{}");
    assertEquals("failed", Api.awaitFinished(run).getString("status"));

    int burst = 8;
    ExecutorService clients = Executors.newFixedThreadPool(burst);
    try {
      List<Future<Response>> answers = new ArrayList<>();
      for (int i = 0; i < burst; i++) {
        answers.add(
            clients.submit(
                () ->
                    given()
                        .contentType("application/json")
                        .body("{}")
                        .when()
                        .post("/api/v1/runs/" + run + "/steps/nap/items/0/replay")));
      }
      int ok = 0;
      int refused = 0;
      for (Future<Response> f : answers) {
        Response r = f.get();
        if (r.statusCode() == 200) {
          ok++;
          assertEquals("TIMEOUT", r.jsonPath().getString("errorCode"));
        } else {
          assertEquals(429, r.statusCode(), r.asString());
          assertEquals("application/problem+json", r.contentType());
          assertEquals("2", r.header("Retry-After"));
          assertTrue(r.jsonPath().getString("detail").contains("taproot.replay.workers"));
          refused++;
        }
      }
      assertTrue(ok >= 1, "the replays that fit are answered");
      assertTrue(refused >= burst - 3 - 2, "one runs, two wait, the rest are refused: " + ok);
    } finally {
      clients.shutdownNow();
    }
  }
}
