package dev.taproot.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * x-ndjson run input read as a stream and stored record by record (issue 11): the run sees every
 * record at its line, lineage ends at the line, and a bad line refuses the upload naming it, with
 * nothing of the run kept.
 */
@QuarkusTest
class StreamingIngestTest {
  private String wf;
  private String inc;

  @BeforeEach
  void workflow() {
    inc = Api.register("inc", Api.testModule("inc"));
    wf = Api.unique("stream");
    Api.submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
        input:
          schema:
            type: object
            required: [records]
            properties:
              records: { type: array, minItems: 2, items: { type: object, required: [n] } }
        steps:
          first:
            function: inc
            forEach: ${{ input.records }}
            input: ${{ item }}
          second:
            function: inc
            forEach: ${{ steps.first.items }}
            input: ${{ item.output }}
        """
            .formatted(wf, inc));
  }

  private static byte[] records(int n) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < n; i++) {
      body.append("{\"n\": ").append(i * 10).append("}\n");
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  private JsonPath post(byte[] body, int status) {
    return given()
        .contentType("application/x-ndjson")
        .body(body)
        .when()
        .post("/api/v1/workflows/" + wf + "/runs")
        .then()
        .statusCode(status)
        .extract()
        .jsonPath();
  }

  private int runsOfWorkflow() {
    return given()
        .queryParam("workflow", wf)
        .when()
        .get("/api/v1/runs")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getInt("total");
  }

  @Test
  void thousandsOfRecordsRunThroughTheWindowEachAtItsLine() {
    // More records than one window of items and one chunk of the reader.
    int n = 9000;
    String run = post(records(n), 202).getString("runId");
    JsonPath view = Api.awaitFinished(run, Duration.ofMinutes(3));
    assertEquals("succeeded", view.getString("status"), view.prettify());
    assertEquals(n, view.getInt("records"));
    assertEquals(n, view.getInt("progress.first.succeeded"));
    assertEquals(n, view.getInt("progress.second.succeeded"));
    assertEquals(89992, Api.item(run, "second", "8999").getInt("output.n"));
    assertEquals(42, Api.item(run, "first", "4").getInt("output.n") + 1);
    JsonPath lineage =
        given()
            .queryParam("direction", "upstream")
            .when()
            .get("/api/v1/runs/" + run + "/steps/second/items/7777/lineage")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(
        77770, lineage.getInt("nodes.find { it.kind == 'record' }.output.n"), lineage.prettify());
    assertEquals(7778, lineage.getInt("nodes.find { it.kind == 'record' }.line"));
  }

  @Test
  void aRunOfAStreamedUploadResumesFromTheStoredRecords() {
    String run = post(records(3), 202).getString("runId");
    Api.awaitFinished(run);
    Api.redrive(run, "{\"items\": [\"2\"], \"from\": \"first\"}").statusCode(202);
    JsonPath view = Api.awaitFinished(run);
    assertEquals("succeeded", view.getString("status"));
    assertEquals(2, Api.item(run, "first", "2").getInt("attempt"));
    assertEquals(22, Api.item(run, "second", "2").getInt("output.n"));
  }

  @Test
  void invalidUtf8IsA400NamingTheLineAndNoRunIsKept() {
    int before = runsOfWorkflow();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(records(1500));
    body.writeBytes(new byte[] {'{', '"', 'n', '"', ':', '"', (byte) 0xFF, '"', '}', '\n'});
    given()
        .contentType("application/x-ndjson")
        .body(body.toByteArray())
        .when()
        .post("/api/v1/workflows/" + wf + "/runs")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("line", equalTo(1501))
        .body("detail", containsString("not UTF-8"));
    assertEquals(before, runsOfWorkflow(), "a refused upload leaves no run behind");
  }

  @Test
  void aByteOrderMarkIsA400NamingLineOne() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    body.writeBytes(records(2));
    JsonPath p = post(body.toByteArray(), 400);
    assertEquals(1, p.getInt("line"));
  }

  @Test
  void aRecordThatBreaksTheSchemaIsA422NamingItsLine() {
    byte[] body = "{\"n\": 1}\n{\"n\": 2}\n{\"m\": 3}\n".getBytes(StandardCharsets.UTF_8);
    JsonPath p = post(body, 422);
    assertEquals(3, p.getInt("line"));
    org.hamcrest.MatcherAssert.assertThat(p.getString("detail"), containsString("x-ndjson line 3"));
    org.hamcrest.MatcherAssert.assertThat(
        p.getString("violations[0]"), containsString("$.records[2]"));
  }

  @Test
  void anUploadOverItsLimitIsA413ProblemNamingTheSetting() {
    // %test.taproot.runs.max-ndjson-size=8M
    byte[] big = records(700_000);
    JsonPath p = post(big, 413);
    assertEquals("taproot.runs.max-ndjson-size", p.getString("setting"));
    assertEquals(8 * 1024 * 1024, p.getLong("limit"));
  }
}
