package dev.taproot.engine;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scheduler end to end, with real modules, through the HTTP API. */
@QuarkusTest
class EngineTest {
  @Inject Engine engine;

  private String inc;
  private String add;
  private String echo;
  private String spin;
  private String flaky;
  private String failIf;

  @BeforeEach
  void registerFunctions() {
    inc = Api.register("inc", Api.testModule("inc"));
    add = Api.register("add", Api.testModule("add"));
    echo = Api.register("echo", Api.testModule("echo"));
    spin = Api.register("spin", Api.testModule("spin"));
    flaky = Api.register("flaky", Api.testModule("flaky"));
    failIf = Api.register("fail-if", Api.testModule("fail-if"));
  }

  private static String items(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> "{\"n\": " + i + "}")
        .collect(Collectors.joining(",", "{\"items\": [", "]}"));
  }

  @Test
  void linearPipelinePassesEachOutputOn() {
    String wf = Api.unique("linear");
    Api.submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
          first: { function: inc }
          second: { function: inc, input: "${{ steps.first.output }}" }
          third: { function: inc, input: "${{ steps.second.output }}" }
        output: ${{ steps.third.output }}
        """
            .formatted(wf, inc));
    String run = Api.start(wf, "{\"n\": 1}");
    JsonPath view = Api.awaitFinished(run);
    assertEquals("succeeded", view.getString("status"));
    assertEquals(4, view.getInt("output.n"));
    JsonPath second = Api.item(run, "second", "0");
    assertEquals(2, second.getInt("input.n"));
    assertEquals(3, second.getInt("output.n"));
    assertEquals("succeeded", second.getString("status"));
    assertTrue(second.getString("functionDigest").startsWith("sha256:"));
  }

  @Test
  void diamondJoinsBothBranches() {
    String wf = Api.unique("diamond");
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
    JsonPath view = Api.awaitFinished(run);
    assertEquals("succeeded", view.getString("status"));
    assertEquals(6, view.getInt("output.n"));
    JsonPath join = Api.item(run, "join", "0");
    assertEquals(3, join.getInt("input.a.n"));
    assertEquals(3, join.getInt("input.b.n"));
  }

  @Test
  void aThousandItemsRunWithBoundedConcurrency() {
    String wf = Api.unique("thousand");
    Api.submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
          each:
            function: inc
            forEach: ${{ input.items }}
            input: ${{ item }}
          total:
            function: inc
            input:
              n: ${{ steps.each.items.map(i, i.output.n).size() }}
        output: ${{ steps.total.output }}
        """
            .formatted(wf, inc));
    String run = Api.start(wf, items(1000));
    JsonPath view = Api.awaitFinished(run, Duration.ofSeconds(120));
    assertEquals("succeeded", view.getString("status"), view.prettify());
    assertEquals(1000, view.getInt("progress.each.succeeded"));
    assertEquals(1001, view.getInt("output.n"));
    assertEquals(1000, Api.item(run, "each", "999").getInt("output.n"));
    assertTrue(
        engine.maxConcurrentExecutions() <= engine.workerCount(),
        "at most "
            + engine.workerCount()
            + " executions at once, saw "
            + engine.maxConcurrentExecutions());
  }

  @Test
  void itemWiseStepsPipelineRecordByRecord() {
    String wf = Api.unique("pipelining");
    Api.submit(
        """
        name: %s
        functions:
          spin: { ref: %s }
          echo: { ref: %s }
        steps:
          a:
            function: spin
            forEach: ${{ input.items }}
            input: ${{ item }}
          b:
            function: echo
            forEach: ${{ steps.a.items }}
            input: ${{ item.output }}
        """
            .formatted(wf, spin, echo));
    String input =
        IntStream.range(0, 1000)
            .mapToObj(
                i ->
                    i == 500
                        ? "{\"n\": 500, \"spin\": 200000000}"
                        : "{\"n\": " + i + ", \"spin\": 20000}")
            .collect(Collectors.joining(",", "{\"items\": [", "]}"));
    String run = Api.start(wf, input);
    JsonPath view = Api.awaitFinished(run, Duration.ofSeconds(120));
    assertEquals("succeeded", view.getString("status"));
    Instant bFirstDone = Instant.parse(Api.item(run, "b", "0").getString("finishedAt"));
    Instant aLastStarted = Instant.parse(Api.item(run, "a", "999").getString("startedAt"));
    assertTrue(
        bFirstDone.isBefore(aLastStarted),
        "b/0 finished " + bFirstDone + ", a/999 started " + aLastStarted);
    assertEquals(500, Api.item(run, "b", "500").getInt("output.n"));
  }

  @Test
  void whenSkipsItemsWithoutFailingThem() {
    String wf = Api.unique("when");
    Api.submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
          big:
            function: inc
            forEach: ${{ input.items }}
            when: ${{ item.n >= 7 }}
            input: ${{ item }}
          after:
            function: inc
            forEach: ${{ steps.big.items }}
            input: ${{ item.output }}
        """
            .formatted(wf, inc));
    String run = Api.start(wf, items(10));
    JsonPath view = Api.awaitFinished(run);
    assertEquals("succeeded", view.getString("status"));
    assertEquals(3, view.getInt("progress.big.succeeded"));
    assertEquals(7, view.getInt("progress.big.skipped"));
    assertEquals(3, view.getInt("progress.after.succeeded"));
    assertEquals(List.of("7", "8", "9"), Api.keys(run, "after", "succeeded"));
  }

  @Test
  void aRetrySucceedsOnTheThirdAttempt() {
    String wf = Api.unique("retry");
    Api.submit(
        """
        name: %s
        functions:
          flaky: { ref: %s, env: { SUCCEED_ON_ATTEMPT: "3" } }
        steps:
          shaky:
            function: flaky
            retry: { maxAttempts: 3, backoff: 10ms }
        output: ${{ steps.shaky.output }}
        """
            .formatted(wf, flaky));
    String run = Api.start(wf, "{\"hello\": \"world\"}");
    JsonPath view = Api.awaitFinished(run);
    assertEquals("succeeded", view.getString("status"));
    JsonPath item = Api.item(run, "shaky", "0");
    assertEquals(3, item.getInt("attempt"));
    List<Map<String, Object>> attempts = item.getList("attempts");
    assertEquals(
        List.of("failed", "failed", "succeeded"),
        attempts.stream().map(a -> a.get("status")).toList());
    assertEquals("EXIT", item.getString("attempts[0].error.code"));
    assertTrue(
        item.getString("attempts[0].logs").contains("attempt 1 fails on purpose"),
        item.getString("attempts[0].logs"));
  }

  @Test
  void aTimeoutFailsOnlyThatItem() {
    String wf = Api.unique("timeout");
    Api.submit(
        """
        name: %s
        functions:
          spin: { ref: %s }
        steps:
          slow:
            function: spin
            forEach: ${{ input.items }}
            input: ${{ item }}
            timeout: 300ms
        """
            .formatted(wf, spin));
    String run =
        Api.start(wf, "{\"items\": [{\"spin\": 10}, {\"spin\": 100000000000}, {\"spin\": 10}]}");
    JsonPath view = Api.awaitFinished(run);
    assertEquals("failed", view.getString("status"));
    assertEquals(2, view.getInt("progress.slow.succeeded"));
    JsonPath item = Api.item(run, "slow", "1");
    assertEquals("TIMEOUT", item.getString("error.code"));
    assertTrue(
        item.getLong("durationMicros") < 2_000_000,
        "stopped near its 300ms timeout: " + item.getLong("durationMicros"));
  }

  @Test
  void aContractViolationStopsTheItemAtTheProducingStep() {
    String wf = Api.unique("contract");
    Api.submit(
        """
        name: %s
        functions:
          echo: { ref: %s }
        steps:
          produce:
            function: echo
            forEach: ${{ input.items }}
            input: ${{ item }}
            contract:
              output: { type: object, required: [total], properties: { total: { type: number, minimum: 0 } } }
          consume:
            function: echo
            forEach: ${{ steps.produce.items }}
            input: ${{ item.output }}
        """
            .formatted(wf, echo));
    String run = Api.start(wf, "{\"items\": [{\"total\": 3}, {\"total\": -1}, {\"total\": 5}]}");
    JsonPath view = Api.awaitFinished(run);
    assertEquals("failed", view.getString("status"));
    JsonPath bad = Api.item(run, "produce", "1");
    assertEquals("CONTRACT", bad.getString("error.code"));
    assertTrue(bad.getString("error.message").contains("total"), bad.getString("error.message"));
    assertEquals("skipped", Api.item(run, "consume", "1").getString("status"));
    assertEquals("UPSTREAM", Api.item(run, "consume", "1").getString("error.code"));
    assertEquals(2, view.getInt("progress.consume.succeeded"));
  }

  @Test
  void anUpstreamFailureSkipsOnlyItsDownstreamItemsAndTheFanIn() {
    String wf = Api.unique("upstream");
    Api.submit(
        """
        name: %s
        functions:
          failIf: { ref: %s }
          inc: { ref: %s }
        steps:
          check:
            function: failIf
            forEach: ${{ input.items }}
            input: ${{ item }}
          next:
            function: inc
            forEach: ${{ steps.check.items }}
            input:
              n: ${{ item.output.n }}
          total:
            function: inc
            input:
              n: ${{ steps.next.items.size() }}
        """
            .formatted(wf, failIf, inc));
    String run =
        Api.start(
            wf, "{\"items\": [{\"n\": 0}, {\"n\": 1}, {\"n\": 2, \"fail\": true}, {\"n\": 3}]}");
    JsonPath view = Api.awaitFinished(run);
    assertEquals("failed", view.getString("status"));
    assertEquals(List.of("2"), Api.keys(run, "check", "failed"));
    assertEquals(List.of("2"), Api.keys(run, "next", "skipped"));
    assertEquals(List.of("0", "1", "3"), Api.keys(run, "next", "succeeded"));
    assertEquals("skipped", Api.item(run, "total", "0").getString("status"));
    assertEquals("UPSTREAM", Api.item(run, "total", "0").getString("error.code"));
  }

  @Test
  void cancelStopsARunAndKeepsWhatFinished() {
    String wf = Api.unique("cancel");
    Api.submit(
        """
        name: %s
        functions:
          spin: { ref: %s }
        steps:
          slow:
            function: spin
            forEach: ${{ input.items }}
            input: ${{ item }}
        """
            .formatted(wf, spin));
    String input =
        IntStream.range(0, 400)
            .mapToObj(i -> "{\"spin\": 3000000}")
            .collect(Collectors.joining(",", "{\"items\": [", "]}"));
    String run = Api.start(wf, input);
    given().when().post("/api/v1/runs/" + run + "/cancel").then().statusCode(202);
    JsonPath view = Api.awaitFinished(run);
    assertEquals("cancelled", view.getString("status"));
    int done = view.getInt("progress.slow.succeeded");
    assertTrue(done < 400, "cancel stopped the run before all 400 items: " + done);
    given().when().post("/api/v1/runs/" + run + "/cancel").then().statusCode(409);
  }

  @Test
  void ndjsonRecordsAreKeyedByLine() {
    String wf = Api.unique("ndjson");
    Api.submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
          each:
            function: inc
            forEach: ${{ input.records }}
            input: ${{ item }}
        """
            .formatted(wf, inc));
    String run = Api.startNdjson(wf, "{\"n\": 10}\n{\"n\": 20}\n{\"n\": 30}\n");
    JsonPath view = Api.awaitFinished(run);
    assertEquals("succeeded", view.getString("status"));
    assertEquals(3, view.getInt("records"));
    assertEquals(31, Api.item(run, "each", "2").getInt("output.n"));
  }
}
