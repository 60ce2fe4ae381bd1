package dev.taproot.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each endpoint that takes a body has its own limit (the test profile sets them low): a body over
 * it is a 413 problem naming the setting, whether its length is declared or it arrives chunked.
 */
@QuarkusTest
class BodyLimitsTest {

  /** A body of {@code size} bytes that is syntactically plausible for the endpoint. */
  private static byte[] body(String kind, int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) ' ');
    byte[] start =
        switch (kind) {
          case "yaml" -> "name: big\n# ".getBytes(StandardCharsets.UTF_8);
          case "wasm" -> new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0};
          default -> "{\"input\": \"".getBytes(StandardCharsets.UTF_8);
        };
    System.arraycopy(start, 0, b, 0, start.length);
    return b;
  }

  @ParameterizedTest
  @CsvSource({
    "POST, /api/v1/workflows, application/yaml, yaml, 70000, taproot.workflows.max-yaml-size",
    "PUT, /api/v1/functions/big, application/wasm, wasm, 2200000, taproot.functions.max-module-size",
    "POST, /api/v1/workflows/any/runs, application/json, json, 1100000, taproot.runs.max-input-size",
    "POST, /api/v1/runs/r/steps/s/items/0/replay, application/json, json, 70000,"
        + " taproot.runs.max-trace-back-size",
    "POST, /api/v1/runs/r/steps/s/items/0/origin, application/json, json, 70000,"
        + " taproot.runs.max-trace-back-size",
  })
  void aDeclaredLengthOverTheLimitIs413(
      String method, String path, String type, String kind, int size, String setting) {
    given()
        .contentType(type)
        .body(body(kind, size))
        .when()
        .request(method, path)
        .then()
        .statusCode(413)
        .contentType("application/problem+json")
        .body("setting", equalTo(setting))
        .body("detail", containsString(setting));
  }

  @ParameterizedTest
  @CsvSource({
    "POST, /api/v1/workflows, application/yaml, yaml, 70000, taproot.workflows.max-yaml-size",
    "PUT, /api/v1/functions/big, application/wasm, wasm, 2200000, taproot.functions.max-module-size",
    "POST, /api/v1/runs/r/steps/s/items/0/replay, application/json, json, 70000,"
        + " taproot.runs.max-trace-back-size",
    "POST, /api/v1/workflows/any/runs, application/x-ndjson, json, 8400000,"
        + " taproot.runs.max-ndjson-size",
  })
  void aChunkedBodyOverTheLimitIs413(
      String method, String path, String type, String kind, int size, String setting)
      throws IOException, InterruptedException {
    if (path.endsWith("/runs")) {
      // The limit of a run's input is met while reading it, so the workflow must exist.
      path = path.replace("any", Api.incOverRecords("limits"));
    }
    byte[] body = body(kind, size);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
            .header("Content-Type", type)
            // ofInputStream: no Content-Length, the body is sent chunked.
            .method(
                method,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(413, response.statusCode(), response.body());
    assertTrue(
        response.headers().firstValue("content-type").orElse("").contains("problem+json"),
        response.headers().toString());
    JsonNode problem = new ObjectMapper().readTree(response.body());
    assertEquals(setting, problem.get("setting").asText());
  }
}
