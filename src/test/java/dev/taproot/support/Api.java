package dev.taproot.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** Drives the service through its HTTP API, as a user would. */
public final class Api {
  private Api() {}

  /** A workflow or function name no other test uses. */
  public static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public static byte[] testModule(String name) {
    return resource("wasm/" + name + ".wasm");
  }

  public static byte[] bundledModule(String file) {
    return resource("functions/" + file);
  }

  public static byte[] resource(String path) {
    try (InputStream in = Api.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Registers a module under a name and returns the {@code name@version} ref. */
  public static String register(String name, byte[] module) {
    JsonPath body =
        given()
            .contentType("application/wasm")
            .body(module)
            .when()
            .put("/api/v1/functions/" + name)
            .then()
            .statusCode(
                org.hamcrest.Matchers.anyOf(
                    org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(201)))
            .extract()
            .jsonPath();
    return body.getString("name") + "@" + body.getInt("version");
  }

  public static int submit(String yaml) {
    return given()
        .contentType("application/yaml")
        .body((yaml).getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .when()
        .post("/api/v1/workflows")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getInt("version");
  }

  /**
   * A run of a one-step workflow (the echo module) that has finished: a run row for tests that
   * write checkpoints of their own against it.
   */
  public static String finishedRun(String prefix) {
    String echo = register("echo", testModule("echo"));
    String wf = unique(prefix);
    submit(
        """
        name: %s
        functions:
          echo: { ref: %s }
        steps:
          one: { function: echo }
        """
            .formatted(wf, echo));
    String run = start(wf, "{}");
    awaitFinished(run);
    return run;
  }

  /**
   * A new workflow of one step, the inc module over {@code input.records}, with no input schema;
   * returns its name.
   */
  public static String incOverRecords(String prefix) {
    return incWorkflow(
        prefix,
        """
          each: { function: inc, forEach: "${{ input.records }}", input: "${{ item }}" }
        """);
  }

  /**
   * A new workflow of the inc module: {@code first} over {@code input.records}, {@code second} over
   * first's items, and {@code total}, a fan-in of second's items (one lineage edge each); returns
   * its name.
   */
  public static String incThroughFanIn(String prefix) {
    return incWorkflow(
        prefix,
        """
          first: { function: inc, forEach: "${{ input.records }}", input: "${{ item }}" }
          second: { function: inc, forEach: "${{ steps.first.items }}", input: "${{ item.output }}" }
          total: { function: inc, input: { n: "${{ steps.second.items.size() }}" } }
        output: ${{ steps.total.output }}
        """);
  }

  /** A new workflow of the inc module with these steps (YAML indented under {@code steps:}). */
  private static String incWorkflow(String prefix, String steps) {
    String wf = unique(prefix);
    submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
        %s"""
            .formatted(wf, register("inc", testModule("inc")), steps));
    return wf;
  }

  /** The lineage graph of step/key, {@code upstream} or {@code downstream}. */
  public static JsonPath lineage(String run, String step, String key, String direction) {
    return given()
        .queryParam("direction", direction)
        .when()
        .get("/api/v1/runs/" + run + "/steps/" + step + "/items/" + key + "/lineage")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  /** A lineage graph's edges as {@code from -> to @ path}, sorted. */
  public static java.util.SortedSet<String> lineageEdges(JsonPath graph) {
    List<java.util.Map<String, Object>> edges = graph.getList("edges");
    if (edges == null) {
      throw new AssertionError("no edges in " + graph.prettify());
    }
    return edges.stream()
        .map(e -> e.get("from") + " -> " + e.get("to") + " @ " + e.get("path"))
        .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
  }

  public static String start(String workflow, String jsonInput) {
    return postJson("/api/v1/workflows/" + workflow + "/runs", jsonInput)
        .statusCode(202)
        .extract()
        .jsonPath()
        .getString("runId");
  }

  public static String startNdjson(String workflow, String ndjson) {
    return given()
        .contentType("application/x-ndjson")
        .body(ndjson.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .when()
        .post("/api/v1/workflows/" + workflow + "/runs")
        .then()
        .statusCode(202)
        .extract()
        .jsonPath()
        .getString("runId");
  }

  /**
   * {@code {"items": [{"n": 0}, {"n": 1}, ...]}} with {@code "fail": true} on the items at {@code
   * failing}, the input the fail-if test module fails on.
   */
  public static String numberedItems(int n, java.util.Set<Integer> failing) {
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(i -> "{\"n\": " + i + (failing.contains(i) ? ", \"fail\": true}" : "}"))
        .collect(java.util.stream.Collectors.joining(",", "{\"items\": [", "]}"));
  }

  /**
   * Posts a redrive of {@code runId} with this JSON body; the response, for the caller to check.
   */
  public static ValidatableResponse redrive(String runId, String jsonBody) {
    return postJson("/api/v1/runs/" + runId + "/redrive", jsonBody);
  }

  private static ValidatableResponse postJson(String path, String jsonBody) {
    return given().contentType("application/json").body(jsonBody).when().post(path).then();
  }

  /** Waits until the run is no longer running and returns its view. */
  public static JsonPath awaitFinished(String runId, Duration timeout) {
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !"running".equals(run(runId).getString("status")));
    return run(runId);
  }

  public static JsonPath awaitFinished(String runId) {
    return awaitFinished(runId, Duration.ofSeconds(60));
  }

  public static JsonPath run(String runId) {
    return given().when().get("/api/v1/runs/" + runId).then().statusCode(200).extract().jsonPath();
  }

  public static JsonPath item(String runId, String step, String key) {
    return given()
        .when()
        .get("/api/v1/runs/" + runId + "/steps/" + step + "/items/" + key)
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  public static List<String> keys(String runId, String step, String status) {
    return given()
        .queryParam("status", status)
        .queryParam("size", 1000)
        .when()
        .get("/api/v1/runs/" + runId + "/steps/" + step + "/items")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("items.key", String.class);
  }

  public static int count(String runId, String step, String status) {
    return run(runId).getInt("progress." + step + "." + status);
  }
}
