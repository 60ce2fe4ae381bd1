package dev.taproot.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RunApiTest {
  private String wf;

  @BeforeEach
  void submit() {
    String inc = Api.register("inc", Api.testModule("inc"));
    wf = Api.unique("runs");
    Api.submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
        input:
          schema: { type: object, required: [items], properties: { items: { type: array } } }
        steps:
          each:
            function: inc
            forEach: ${{ input.items }}
            input: ${{ item }}
        """
            .formatted(wf, inc));
  }

  @Test
  void startingARunAnswers202WithItsIdsAndTheRunCanBeFollowed() {
    String runId =
        given()
            .contentType("application/json")
            .body("{\"items\": [{\"n\": 1}, {\"n\": 2}]}")
            .when()
            .post("/api/v1/workflows/" + wf + "/runs")
            .then()
            .statusCode(202)
            .body("runId", notNullValue())
            .body("status", equalTo("running"))
            .body("traceId", matchesPattern("[0-9a-f]{32}"))
            .extract()
            .jsonPath()
            .getString("runId");
    Api.awaitFinished(runId);
    given()
        .when()
        .get("/api/v1/runs/" + runId)
        .then()
        .statusCode(200)
        .body("status", equalTo("succeeded"))
        .body("progress.each.succeeded", equalTo(2))
        .body("progress.each.failed", equalTo(0));
    given()
        .queryParam("workflow", wf)
        .queryParam("status", "succeeded")
        .when()
        .get("/api/v1/runs")
        .then()
        .statusCode(200)
        .body("items.runId", hasItem(runId));
    given()
        .when()
        .get("/api/v1/runs/" + runId + "/steps/each/items")
        .then()
        .statusCode(200)
        .body("items", hasSize(2))
        .body("total", equalTo(2))
        .body("items[0].key", equalTo("0"));
    given()
        .when()
        .get("/api/v1/runs/" + runId + "/steps/each/items/1")
        .then()
        .statusCode(200)
        .body("input.n", equalTo(2))
        .body("output.n", equalTo(3))
        .body("attempts", hasSize(1))
        .body("seed", notNullValue())
        .body("startedAt", notNullValue());
  }

  @Test
  void anInputFailingTheSchemaIs422WithTheViolation() {
    given()
        .contentType("application/json")
        .body("{\"things\": []}")
        .when()
        .post("/api/v1/workflows/" + wf + "/runs")
        .then()
        .statusCode(422)
        .contentType(startsWith("application/problem+json"))
        .body("detail", containsString("items"));
  }

  @Test
  void malformedJsonIs400WithWhere() {
    given()
        .contentType("application/json")
        .body("{\"items\": [1, 2,, 3]}")
        .when()
        .post("/api/v1/workflows/" + wf + "/runs")
        .then()
        .statusCode(400)
        .body("detail", containsString("line 1"));
  }

  @Test
  void aMalformedNdjsonLineIsNamed() {
    // Records are checked line by line as they arrive, so this workflow's schema (which no x-ndjson
    // input meets) would refuse line 1 first; the malformed line is looked at without one.
    String wf = Api.incOverRecords("lines");
    given()
        .contentType("application/x-ndjson")
        .body(
            ("{\"n\": 1}\n{\"n\": 2}\n{\"n\": oops}\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .when()
        .post("/api/v1/workflows/" + wf + "/runs")
        .then()
        .statusCode(400)
        .body("detail", containsString("line 3"))
        .body("line", equalTo(3));
  }

  @Test
  void unknownThingsAre404() {
    given()
        .contentType("application/json")
        .body("{}")
        .when()
        .post("/api/v1/workflows/" + Api.unique("none") + "/runs")
        .then()
        .statusCode(404);
    given()
        .when()
        .get("/api/v1/runs/00000000-0000-0000-0000-000000000000")
        .then()
        .statusCode(404)
        .body("detail", containsString("no run"));
    String runId = Api.start(wf, "{\"items\": [{\"n\": 1}]}");
    Api.awaitFinished(runId);
    given()
        .when()
        .get("/api/v1/runs/" + runId + "/steps/nope/items")
        .then()
        .statusCode(404)
        .body("detail", containsString("its steps are: each"));
    given()
        .when()
        .get("/api/v1/runs/" + runId + "/steps/each/items/7")
        .then()
        .statusCode(404)
        .body("detail", containsString("no item '7'"));
  }

  @Test
  void badPagingAndStatusParametersAre400() {
    String runId = Api.start(wf, "{\"items\": [{\"n\": 1}]}");
    Api.awaitFinished(runId);
    String items = "/api/v1/runs/" + runId + "/steps/each/items";
    given()
        .queryParam("page", "-1")
        .when()
        .get(items)
        .then()
        .statusCode(400)
        .body("parameter", equalTo("page"));
    given()
        .queryParam("size", "0")
        .when()
        .get(items)
        .then()
        .statusCode(400)
        .body("parameter", equalTo("size"));
    given()
        .queryParam("size", "abc")
        .when()
        .get(items)
        .then()
        .statusCode(400)
        .body("parameter", equalTo("size"));
    given()
        .queryParam("status", "exploded")
        .when()
        .get(items)
        .then()
        .statusCode(400)
        .body("detail", containsString("succeeded"));
    given().queryParam("status", "exploded").when().get("/api/v1/runs").then().statusCode(400);
  }

  @Test
  void anOversizedInputIs413() {
    // the test profile sets taproot.runs.max-input-size=1M
    String big = "{\"items\": [\"" + "x".repeat(2 * 1024 * 1024) + "\"]}";
    given()
        .contentType("application/json")
        .body(big)
        .when()
        .post("/api/v1/workflows/" + wf + "/runs")
        .then()
        .statusCode(413)
        .body("detail", containsString("over the limit"));
  }
}
