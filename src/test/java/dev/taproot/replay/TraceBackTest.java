package dev.taproot.replay;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.bundle.BundledContent;
import dev.taproot.engine.Engine;
import dev.taproot.support.Api;
import dev.taproot.support.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lineage, origin search, replay and redrive, checked against what the functions really did. */
@QuarkusTest
class TraceBackTest {
  @Inject BundledContent bundled;
  @Inject AgroalDataSource dataSource;
  @Inject Engine engine;

  private String inc;
  private String add;

  @BeforeEach
  void register() {
    inc = Api.register("inc", Api.testModule("inc"));
    add = Api.register("add", Api.testModule("add"));
  }

  private String diamondRun() {
    String wf = Api.unique("lineage-diamond");
    Api.submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
          add: { ref: %s }
        steps:
          top: { function: inc }
          left: { function: inc, input: "${{ steps.top.output }}" }
          right: { function: inc, input: "${{ steps.top.output }}" }
          join:
            function: add
            input:
              a: ${{ steps.left.output }}
              b: ${{ steps.right.output }}
        output: ${{ steps.join.output }}
        """
            .formatted(wf, inc, add));
    String run = Api.start(wf, "{\"n\": 1}");
    assertEquals("succeeded", Api.awaitFinished(run).getString("status"));
    return run;
  }

  private static Map<String, Object> node(JsonPath graph, String id) {
    List<Map<String, Object>> nodes = graph.getList("nodes");
    return nodes.stream()
        .filter(n -> id.equals(n.get("id")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no node " + id + " in " + nodes));
  }

  @Test
  void lineageOfADiamondBothWays() {
    String run = diamondRun();
    JsonPath up = Api.lineage(run, "join", "0", "upstream");
    assertEquals(
        Set.of(
            "left/0#1 -> join/0#1 @ steps.left.output",
            "right/0#1 -> join/0#1 @ steps.right.output",
            "top/0#1 -> left/0#1 @ steps.top.output",
            "top/0#1 -> right/0#1 @ steps.top.output",
            "input -> top/0#1 @ input"),
        Api.lineageEdges(up));
    assertEquals(2, ((Map<?, ?>) node(up, "top/0#1").get("output")).get("n"));
    assertEquals(3, ((Map<?, ?>) node(up, "left/0#1").get("output")).get("n"));
    assertEquals(6, ((Map<?, ?>) node(up, "join/0#1").get("output")).get("n"));
    assertEquals(1, ((Map<?, ?>) node(up, "input").get("output")).get("n"));

    JsonPath down = Api.lineage(run, "top", "0", "downstream");
    assertEquals(
        Set.of(
            "top/0#1 -> left/0#1 @ steps.top.output",
            "top/0#1 -> right/0#1 @ steps.top.output",
            "left/0#1 -> join/0#1 @ steps.left.output",
            "right/0#1 -> join/0#1 @ steps.right.output",
            "join/0#1 -> output @ output"),
        Api.lineageEdges(down));
    assertEquals(6, ((Map<?, ?>) node(down, "output").get("output")).get("n"));
  }

  @Test
  void aFilteredForEachKeepsEachRecordsKeyAndLineage() {
    String wf = Api.unique("lineage-filter");
    Api.submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
          even:
            function: inc
            forEach: ${{ input.records.filter(r, r.n %% 2 == 0) }}
            input: ${{ item }}
          big:
            function: inc
            forEach: ${{ steps.even.items.filter(i, i.output.n > 3) }}
            when: ${{ item.output.n != 7 }}
            input: ${{ item.output }}
          total:
            function: inc
            input:
              n: ${{ steps.big.items.size() }}
        output: ${{ steps.total.output }}
        """
            .formatted(wf, inc));
    String ndjson =
        java.util.stream.IntStream.range(0, 9)
            .mapToObj(n -> "{\"n\": " + n + "}\n")
            .collect(Collectors.joining());
    String run = Api.startNdjson(wf, ndjson);
    assertEquals("succeeded", Api.awaitFinished(run).getString("status"));

    // Records 0, 2, 4, 6, 8 keep their keys (not 0..4); odd records are skipped by the filter.
    assertEquals(List.of("0", "2", "4", "6", "8"), Api.keys(run, "even", "succeeded"));
    assertEquals(List.of("1", "3", "5", "7"), Api.keys(run, "even", "skipped"));
    // even's outputs are n + 1: 1, 3, 5, 7, 9; big keeps those over 3 except 7.
    assertEquals(List.of("4", "8"), Api.keys(run, "big", "succeeded"));
    assertEquals(3, Api.run(run).getInt("output.n"), "the fan-in saw items 4 and 8 only");

    JsonPath up = Api.lineage(run, "big", "8", "upstream");
    assertEquals(
        Set.of("even/8#1 -> big/8#1 @ item.output", "record/8 -> even/8#1 @ input.records[8]"),
        Api.lineageEdges(up));
    assertEquals(9, node(up, "record/8").get("line"), "the ninth line of the upload");
  }

  @Test
  void lineageThroughForEachItemWiseAndFanIn() {
    String wf = Api.incThroughFanIn("lineage-fanin");
    String run = Api.startNdjson(wf, "{\"n\": 10}\n{\"n\": 20}\n{\"n\": 30}\n");
    assertEquals("succeeded", Api.awaitFinished(run).getString("status"));

    JsonPath up = Api.lineage(run, "second", "1", "upstream");
    assertEquals(
        Set.of("first/1#1 -> second/1#1 @ item.output", "record/1 -> first/1#1 @ input.records[1]"),
        Api.lineageEdges(up));
    assertEquals(2, node(up, "record/1").get("line"));
    assertEquals(20, ((Map<?, ?>) node(up, "record/1").get("output")).get("n"));
    assertEquals(21, ((Map<?, ?>) node(up, "first/1#1").get("output")).get("n"));
    assertEquals(22, ((Map<?, ?>) node(up, "second/1#1").get("output")).get("n"));

    JsonPath down = Api.lineage(run, "first", "2", "downstream");
    assertEquals(
        Set.of(
            "first/2#1 -> second/2#1 @ item.output",
            "second/2#1 -> total/0#1 @ steps.second.items",
            "total/0#1 -> output @ output"),
        Api.lineageEdges(down));

    JsonPath digestsOnly =
        given()
            .queryParam("values", "false")
            .when()
            .get("/api/v1/runs/" + run + "/steps/second/items/1/lineage")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(null, node(digestsOnly, "first/1#1").get("output"));
    assertTrue(node(digestsOnly, "first/1#1").get("outputDigest").toString().startsWith("sha256:"));
  }

  /**
   * Runs the bundled orders pipeline on its 3,000 records with the planted bad one at line 1042.
   */
  private String ordersRun() {
    bundled.registerAll();
    byte[] records = Api.resource("examples/orders.ndjson");
    String run = Api.startNdjson("orders", new String(records, StandardCharsets.UTF_8));
    JsonPath view = Api.awaitFinished(run, Duration.ofSeconds(120));
    assertEquals("failed", view.getString("status"));
    assertEquals(List.of("1041"), Api.keys(run, "validate", "failed"));
    return run;
  }

  private static JsonPath origin(String run, String step, String key, String body) {
    return given()
        .contentType(ContentType.JSON)
        .body(body)
        .when()
        .post("/api/v1/runs/" + run + "/steps/" + step + "/items/" + key + "/origin")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  @Test
  void lineageAndOriginTakeOneConnectionEach() throws Exception {
    String run = ordersRun();
    // Connections taken from the pool by request threads (the writer, heartbeats and claims run on
    // threads of their own).
    java.util.concurrent.atomic.AtomicInteger taken =
        new java.util.concurrent.atomic.AtomicInteger();
    io.agroal.api.AgroalPoolInterceptor counter =
        new io.agroal.api.AgroalPoolInterceptor() {
          @Override
          public void onConnectionAcquire(java.sql.Connection connection) {
            if (Thread.currentThread().getName().startsWith("executor-thread")) {
              taken.incrementAndGet();
            }
          }
        };
    // The service configures no pool interceptor (Agroal's getter even throws when none was set),
    // so this one is alone and is removed after.
    dataSource.setPoolInterceptors(java.util.List.of(counter));
    try {
      JsonPath graph =
          given()
              .get("/api/v1/runs/" + run + "/steps/validate/items/1041/lineage?direction=upstream")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertTrue(
          graph.getList("nodes") != null && graph.getList("nodes").size() >= 3,
          "a walk of several steps: " + graph.prettify());
      assertEquals(1, taken.getAndSet(0), "the upstream walk took one connection");
      assertTrue(
          origin(run, "validate", "1041", "{\"assert\": \"value.qty >= 1\"}").getBoolean("found"));
      assertEquals(1, taken.get(), "the origin search took one connection");
    } finally {
      dataSource.setPoolInterceptors(java.util.List.of());
    }
  }

  @Test
  void originFindsTheParseStepThatCorruptedTheRecordAndReplayAndRedriveFixIt() throws Exception {
    String run = ordersRun();

    JsonPath found = origin(run, "validate", "1041", "{\"assert\": \"value.qty >= 1\"}");
    assertTrue(found.getBoolean("found"));
    assertEquals("parse", found.getString("origin.step"));
    assertEquals("1041", found.getString("origin.key"));
    assertEquals("output", found.getString("origin.side"));
    assertEquals(0, found.getInt("origin.value.qty"));
    List<String> chain = found.getList("chain.node");
    assertEquals("parse/1041#1", chain.get(0));
    assertEquals("validate/1041#2", chain.get(chain.size() - 1));

    JsonPath none = origin(run, "validate", "1041", "{\"assert\": \"value.size() >= 0\"}");
    assertFalse(none.getBoolean("found"));
    assertTrue(none.getString("message").startsWith("none found"));

    // the fixed parser gives the right quantity for the recorded input, and says how it differs
    JsonPath replay =
        given()
            .contentType(ContentType.JSON)
            .body("{\"function\": \"parse-order@2\"}")
            .when()
            .post("/api/v1/runs/" + run + "/steps/parse/items/1041/replay")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("succeeded", replay.getString("status"));
    assertEquals(2, replay.getInt("output.qty"));
    assertFalse(replay.getBoolean("identical"));
    List<Map<String, Object>> diff = replay.getList("diff");
    assertTrue(
        diff.stream()
            .anyMatch(
                d ->
                    "/qty".equals(d.get("path"))
                        && Integer.valueOf(0).equals(d.get("from"))
                        && Integer.valueOf(2).equals(d.get("to"))),
        diff.toString());

    long before = executions(run);
    Api.redrive(
            run,
            "{\"items\": [\"1041\"], \"from\": \"parse\", \"functions\": {\"parse\": \"parse-order@2\"}}")
        .statusCode(202);
    JsonPath after = Api.awaitFinished(run, Duration.ofSeconds(60));
    assertEquals("succeeded", after.getString("status"), after.prettify());
    assertEquals(
        4,
        executions(run) - before,
        "parse, enrich, validate of 1041 and the total run again; nothing else");
    JsonPath parse = Api.item(run, "parse", "1041");
    assertEquals(2, parse.getInt("attempt"));
    assertEquals("parse-order@1", parse.getString("attempts[0].functionRef"));
    assertEquals("parse-order@2", parse.getString("attempts[1].functionRef"));
    assertEquals(3000, after.getInt("output.count"));
  }

  @Test
  void redriveFromAStepWithoutItemsTakesTheFailedItemsNotTheFanInsKey() throws Exception {
    String run = ordersRun();
    long before = executions(run);
    JsonPath answer =
        Api.redrive(run, "{\"from\": \"parse\", \"functions\": {\"parse\": \"parse-order@2\"}}")
            .statusCode(202)
            .extract()
            .jsonPath();
    // The skipped total is item "0" of another key space: parse/0 must not run again.
    assertEquals(
        List.of("parse/1041", "enrich/1041", "validate/1041", "total/0"), answer.getList("items"));
    JsonPath after = Api.awaitFinished(run, Duration.ofSeconds(60));
    assertEquals("succeeded", after.getString("status"), after.prettify());
    assertEquals(4, executions(run) - before);
    assertEquals(1, Api.item(run, "parse", "0").getInt("attempt"));
  }

  @Test
  void replayOfARecordedSuccessIsIdenticalEvenWithClockAndRandom() {
    String clock = Api.register("clockrand", Api.testModule("clockrand"));
    String wf = Api.unique("replay-clock");
    Api.submit(
        """
        name: %s
        functions:
          clock: { ref: %s }
        steps:
          read: { function: clock }
        """
            .formatted(wf, clock));
    String run = Api.start(wf, "{}");
    assertEquals("succeeded", Api.awaitFinished(run).getString("status"));
    for (int i = 0; i < 3; i++) {
      given()
          .contentType(ContentType.JSON)
          .body("{}")
          .when()
          .post("/api/v1/runs/" + run + "/steps/read/items/0/replay")
          .then()
          .statusCode(200)
          .body("identical", org.hamcrest.Matchers.is(true))
          .body("diff", org.hamcrest.Matchers.empty());
    }
  }

  @Test
  void replayWithAnEditedInputOrAFixedFunctionTurnsAFailureIntoASuccess() {
    String v1 = Api.register("fixable-" + Api.unique("f").substring(2), Api.testModule("fail-if"));
    String name = v1.substring(0, v1.indexOf('@'));
    String v2 = Api.register(name, Api.testModule("echo"));
    String wf = Api.unique("replay-fix");
    Api.submit(
        """
        name: %s
        functions:
          check: { ref: %s }
        steps:
          check: { function: check }
        """
            .formatted(wf, v1));
    String run = Api.start(wf, "{\"fail\": true, \"n\": 7}");
    assertEquals("failed", Api.awaitFinished(run).getString("status"));

    // the same function fails the same way: that is identical too (SPEC §4)
    given()
        .contentType(ContentType.JSON)
        .body("{}")
        .when()
        .post("/api/v1/runs/" + run + "/steps/check/items/0/replay")
        .then()
        .statusCode(200)
        .body("status", org.hamcrest.Matchers.equalTo("failed"))
        .body("errorCode", org.hamcrest.Matchers.equalTo("EXIT"))
        .body("identical", org.hamcrest.Matchers.is(true));
    given()
        .contentType(ContentType.JSON)
        .body("{\"function\": \"" + v2 + "\"}")
        .when()
        .post("/api/v1/runs/" + run + "/steps/check/items/0/replay")
        .then()
        .statusCode(200)
        .body("status", org.hamcrest.Matchers.equalTo("succeeded"))
        .body("output.n", org.hamcrest.Matchers.equalTo(7))
        .body("recordedStatus", org.hamcrest.Matchers.equalTo("failed"))
        .body("identical", org.hamcrest.Matchers.is(false))
        .body("diff[0].op", org.hamcrest.Matchers.equalTo("add"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"input\": {\"fail\": false, \"n\": 8}}")
        .when()
        .post("/api/v1/runs/" + run + "/steps/check/items/0/replay")
        .then()
        .statusCode(200)
        .body("status", org.hamcrest.Matchers.equalTo("succeeded"))
        .body("recordedInput", org.hamcrest.Matchers.is(false))
        .body("output.n", org.hamcrest.Matchers.equalTo(8));
    // a replay changes nothing
    assertEquals("failed", Api.run(run).getString("status"));
    assertEquals(1, Api.item(run, "check", "0").getList("attempts").size());
  }

  @Test
  void redriveReExecutesExactlyTheFailedItemsAndTheirDownstream() throws Exception {
    Gated g = gatedWorkflow("output: ${{ steps.total.output }}");
    String v1 = g.v1();
    String v2 = g.v2();
    String run = Api.start(g.workflow(), Api.numberedItems(1000, Set.of(17, 500, 999)));
    JsonPath first = Api.awaitFinished(run, Duration.ofSeconds(120));
    assertEquals("failed", first.getString("status"));
    assertEquals(List.of("17", "500", "999"), Api.keys(run, "gate", "failed"));

    long before = executions(run);
    JsonPath answer =
        Api.redrive(run, "{\"functions\": {\"gate\": \"" + v2 + "\"}}")
            .statusCode(202)
            .extract()
            .jsonPath();
    assertEquals(7, answer.getInt("executions"));
    JsonPath after = Api.awaitFinished(run, Duration.ofSeconds(60));
    assertEquals("succeeded", after.getString("status"), after.prettify());
    assertEquals(7, executions(run) - before, "3 gate items, their 3 next items and the total");
    assertEquals(1001, after.getInt("output.n"));
    assertEquals(v2, Api.item(run, "gate", "500").getString("functionRef"));
    assertEquals(v1, Api.item(run, "gate", "499").getString("functionRef"));

    Api.redrive(run, "{}").statusCode(409).body("detail", containsString("nothing to redrive"));
  }

  @Test
  void aRedriveRebuildsOnlyItsItemsAndCountsTheRest() throws Exception {
    Gated g =
        gatedWorkflow(
            """
              each:
                function: inc
                forEach: ${{ [steps.total.output.n, 1] }}
                input:
                  n: ${{ item }}
            output: ${{ steps.each.items.map(i, i.output.n) }}
            """);
    String v2 = g.v2();
    String run = Api.start(g.workflow(), Api.numberedItems(100, Set.of(10, 20, 30)));
    assertEquals("failed", Api.awaitFinished(run).getString("status"));

    // One of three failed items: the other two still fail the run and block the fan-in.
    long before = executions(run);
    redrive(run, "{\"items\": [\"10\"], \"functions\": {\"gate\": \"" + v2 + "\"}}");
    JsonPath once = Api.awaitFinished(run);
    assertEquals("failed", once.getString("status"));
    assertTrue(
        once.getString("error.message").startsWith("2 item(s) failed in step(s) gate"),
        once.prettify());
    assertEquals(4, executions(run) - before, "gate/10, next/10, and total and each skipped again");
    assertEquals(List.of("20", "30"), Api.keys(run, "gate", "failed"));
    assertEquals(2, Api.item(run, "next", "10").getInt("attempt"));
    assertEquals("succeeded", Api.item(run, "next", "10").getString("status"));

    // The rest: the fan-in runs on all 100 outputs, 97 of them read back from checkpoints, and the
    // step after it runs entirely, on a list that is now longer. This redrive reads what the run
    // recorded from the database, as after a restart; the others use what the engine remembers.
    engine.forgetFinishedRuns();
    before = executions(run);
    redrive(run, "{}");
    JsonPath all = Api.awaitFinished(run);
    assertEquals("succeeded", all.getString("status"), all.prettify());
    assertEquals(7, executions(run) - before, "gate and next of 20 and 30, total, each/0, each/1");
    assertEquals(List.of(102, 2), all.getList("output"));

    // From a middle step, for one item whose upstream stays as recorded.
    before = executions(run);
    redrive(run, "{\"items\": [\"5\"], \"from\": \"next\"}");
    JsonPath again = Api.awaitFinished(run);
    assertEquals("succeeded", again.getString("status"), again.prettify());
    assertEquals(4, executions(run) - before, "next/5, total, each/0, each/1");
    JsonPath next5 = Api.item(run, "next", "5");
    assertEquals(2, next5.getInt("attempt"));
    assertEquals(
        next5.getString("attempts[0].inputDigest"), next5.getString("attempts[1].inputDigest"));
    assertEquals(6, next5.getInt("output.n"));
    assertEquals(1, Api.item(run, "gate", "5").getInt("attempt"));
    assertEquals(List.of(102, 2), again.getList("output"));
  }

  /** A gate that fails items marked "fail" (version 1) and passes everything (version 2). */
  private record Gated(String workflow, String v1, String v2) {}

  /**
   * gate (forEach over input.items) → next (inc, item by item) → total (inc of how many got
   * through), then {@code rest}: more steps and the output, as YAML at the top level.
   */
  private Gated gatedWorkflow(String rest) {
    String v1 = Api.register("gate-" + Api.unique("g").substring(2), Api.testModule("fail-if"));
    String v2 = Api.register(v1.substring(0, v1.indexOf('@')), Api.testModule("echo"));
    String wf = Api.unique("gated");
    Api.submit(
        """
        name: %s
        functions:
          gate: { ref: %s }
          inc: { ref: %s }
        steps:
          gate:
            function: gate
            forEach: ${{ input.items }}
            input: ${{ item }}
          next:
            function: inc
            forEach: ${{ steps.gate.items }}
            input:
              n: ${{ item.output.n }}
          total:
            function: inc
            input:
              n: ${{ steps.next.items.size() }}
        """
                .formatted(wf, v1, inc)
            + rest);
    return new Gated(wf, v1, v2);
  }

  private static void redrive(String run, String body) {
    Api.redrive(run, body).statusCode(202);
  }

  @Test
  void badRequestsSayWhatIsWrong() {
    String run = diamondRun();
    given()
        .when()
        .get("/api/v1/runs/00000000-0000-0000-0000-000000000000/steps/top/items/0/lineage")
        .then()
        .statusCode(404);
    given()
        .when()
        .get("/api/v1/runs/" + run + "/steps/top/items/9/lineage")
        .then()
        .statusCode(404)
        .body("detail", containsString("item '9'"));
    given()
        .queryParam("direction", "sideways")
        .when()
        .get("/api/v1/runs/" + run + "/steps/top/items/0/lineage")
        .then()
        .statusCode(400)
        .body("parameter", org.hamcrest.Matchers.equalTo("direction"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"assert\": \"value.n >\"}")
        .when()
        .post("/api/v1/runs/" + run + "/steps/join/items/0/origin")
        .then()
        .statusCode(422)
        .body("detail", containsString("value.n >"));
    given()
        .contentType(ContentType.JSON)
        .body("{}")
        .when()
        .post("/api/v1/runs/" + run + "/steps/join/items/0/origin")
        .then()
        .statusCode(422)
        .body("detail", containsString("contract.input"));
    given()
        .contentType(ContentType.JSON)
        .body("{}")
        .when()
        .post("/api/v1/runs/" + run + "/steps/nope/items/0/replay")
        .then()
        .statusCode(404);
    Api.redrive(run, "{\"from\": \"nope\"}")
        .statusCode(400)
        .body("detail", containsString("no step 'nope'"));
  }

  @Test
  void replayOfAnItemThatNeverRanIsAConflict() {
    String failIf = Api.register("fail-if", Api.testModule("fail-if"));
    String wf = Api.unique("never");
    Api.submit(
        """
        name: %s
        functions:
          failIf: { ref: %s }
          inc: { ref: %s }
        steps:
          a: { function: failIf }
          b: { function: inc, input: "${{ steps.a.output }}" }
        """
            .formatted(wf, failIf, inc));
    String run = Api.start(wf, "{\"fail\": true}");
    Api.awaitFinished(run);
    given()
        .contentType(ContentType.JSON)
        .body("{}")
        .when()
        .post("/api/v1/runs/" + run + "/steps/b/items/0/replay")
        .then()
        .statusCode(409)
        .body("detail", containsString("never executed"));
  }

  private long executions(String run) {
    return Sql.scalar(dataSource, "SELECT COUNT(*) FROM execution WHERE run_id = ?", run);
  }
}
