package dev.taproot.telemetry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.taproot.support.Api;
import dev.taproot.support.Metrics;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Spans over real OTLP, events on taproot-events and Prometheus counters, for real runs. */
@QuarkusTest
@QuarkusTestResource(value = OtlpReceiver.class, restrictToAnnotatedClass = false)
class TelemetryTest {

  private static String hex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }

  private static Optional<String> attr(Span s, String key) {
    return s.getAttributesList().stream()
        .filter(a -> a.getKey().equals(key))
        .map(KeyValue::getValue)
        .map(v -> v.hasIntValue() ? Long.toString(v.getIntValue()) : v.getStringValue())
        .findFirst();
  }

  private static List<Span> spansOf(String traceId, int atLeast) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                OtlpReceiver.spans().stream()
                        .filter(s -> hex(s.getTraceId()).equals(traceId))
                        .count()
                    >= atLeast);
    return OtlpReceiver.spans().stream().filter(s -> hex(s.getTraceId()).equals(traceId)).toList();
  }

  private static Span named(List<Span> spans, String name, String key) {
    return spans.stream()
        .filter(
            s ->
                s.getName().equals(name)
                    && (key == null || attr(s, "taproot.item.key").orElse("").equals(key)))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no span "
                        + name
                        + " "
                        + key
                        + " in "
                        + spans.stream().map(Span::getName).toList()));
  }

  @Test
  void aDiamondRunIsOneTraceWithAnExecutionSpanPerStepLinkedToItsInputs() {
    String inc = Api.register("inc", Api.testModule("inc"));
    String add = Api.register("add", Api.testModule("add"));
    String wf = Api.unique("traced");
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
        """
            .formatted(wf, inc, add));
    String run = Api.start(wf, "{\"n\": 1}");
    JsonPath view = Api.awaitFinished(run);
    String traceId = view.getString("traceId");
    // run, 4 steps and their 4 wasm calls
    List<Span> spans = spansOf(traceId, 9);
    Span root = named(spans, "run " + wf, null);
    assertTrue(root.getParentSpanId().isEmpty());
    assertEquals(run, attr(root, "taproot.run.id").orElseThrow());
    Map<String, Span> steps =
        spans.stream()
            .filter(s -> s.getName().startsWith("step "))
            .collect(Collectors.toMap(s -> s.getName().substring(5), s -> s));
    assertEquals(Set.of("top", "left", "right", "join"), steps.keySet());
    for (Map.Entry<String, Span> e : steps.entrySet()) {
      Span s = e.getValue();
      assertEquals(
          hex(root.getSpanId()), hex(s.getParentSpanId()), e.getKey() + " hangs under the run");
      assertEquals(run, attr(s, "taproot.run.id").orElseThrow());
      assertEquals(e.getKey(), attr(s, "taproot.step.id").orElseThrow());
      assertEquals("0", attr(s, "taproot.item.key").orElseThrow());
      assertEquals("1", attr(s, "taproot.attempt").orElseThrow());
      assertTrue(attr(s, "taproot.function.digest").orElseThrow().startsWith("sha256:"));
      JsonPath checkpoint = Api.item(run, e.getKey(), "0");
      assertEquals(
          hex(s.getSpanId()), checkpoint.getString("spanId"), "the checkpoint stores its span id");
      assertEquals(traceId, checkpoint.getString("traceId"));
      assertEquals(
          checkpoint.getString("attempts[0].inputDigest"),
          attr(s, "taproot.input.digest").orElseThrow());
      assertEquals(
          checkpoint.getString("attempts[0].outputDigest"),
          attr(s, "taproot.output.digest").orElseThrow());
    }
    Set<String> joinLinks =
        steps.get("join").getLinksList().stream()
            .map(l -> hex(l.getSpanId()))
            .collect(Collectors.toSet());
    assertEquals(
        Set.of(hex(steps.get("left").getSpanId()), hex(steps.get("right").getSpanId())), joinLinks);
    Span call = named(spans, "wasm " + add, null);
    assertEquals(
        hex(steps.get("join").getSpanId()),
        hex(call.getParentSpanId()),
        "the wasm call is a child of its execution");
  }

  @Test
  void aForEachRunWithAFailureShowsItUpInSpansEventsAndMetrics() {
    String failIf = Api.register("fail-if", Api.testModule("fail-if"));
    String inc = Api.register("inc", Api.testModule("inc"));
    String wf = Api.unique("observed");
    Api.submit(
        """
        name: %s
        functions:
          check: { ref: %s }
          inc: { ref: %s }
        steps:
          check:
            function: check
            forEach: ${{ input.items }}
            input: ${{ item }}
          next:
            function: inc
            forEach: ${{ steps.check.items }}
            input: { n: "${{ item.output.n }}" }
        """
            .formatted(wf, failIf, inc));
    double before = counter(wf, "check", "succeeded");
    double batchesBefore = metric("taproot_checkpoint_batches_seconds_count");
    double writingBefore = metric("taproot_checkpoint_batches_seconds_sum");
    String run = Api.start(wf, "{\"items\": [{\"n\": 1}, {\"n\": 2, \"fail\": true}, {\"n\": 3}]}");
    JsonPath view = Api.awaitFinished(run);
    assertEquals("failed", view.getString("status"));

    List<Span> spans = spansOf(view.getString("traceId"), 1 + 2 + 3 + 2 + 5);
    Span forEach = named(spans, "forEach check", null);
    Span failed = named(spans, "step check", "1");
    assertEquals(hex(forEach.getSpanId()), hex(failed.getParentSpanId()));
    assertEquals("EXIT", attr(failed, "taproot.error.code").orElseThrow());
    assertEquals(Status.StatusCode.STATUS_CODE_ERROR, failed.getStatus().getCode());
    Span next2 = named(spans, "step next", "2");
    assertEquals(
        List.of(hex(named(spans, "step check", "2").getSpanId())),
        next2.getLinksList().stream().map(l -> hex(l.getSpanId())).toList());

    await().atMost(Duration.ofSeconds(10)).until(() -> events(run).size() >= 3);
    List<Map<String, Object>> events = events(run);
    assertEquals(
        List.of("run.started", "execution.failed", "run.finished"),
        events.stream().map(e -> e.get("type")).toList());
    assertEquals("1", events.get(1).get("itemKey"));
    assertEquals("EXIT", events.get(1).get("errorCode"));
    assertEquals("failed", events.get(2).get("status"));
    events.forEach(e -> assertEquals(view.getString("traceId"), e.get("traceId")));

    await().atMost(Duration.ofSeconds(10)).until(() -> counter(wf, "next", "skipped") == 1.0);
    assertEquals(before + 2, counter(wf, "check", "succeeded"));
    assertEquals(1.0, counter(wf, "check", "failed"));
    assertEquals(2.0, counter(wf, "next", "succeeded"));
    assertEquals(1.0, counter(wf, "next", "skipped"));
    // The writer's batches and the time it spent on them, which say whether it sets the pace.
    assertTrue(metric("taproot_checkpoint_batches_seconds_count") > batchesBefore);
    assertTrue(metric("taproot_checkpoint_batches_seconds_sum") > writingBefore);
  }

  private static double metric(String name) {
    String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    return Metrics.value(metrics, name)
        .orElseThrow(() -> new AssertionError(name + " is not among the metrics"));
  }

  private static List<Map<String, Object>> events(String run) {
    return given()
        .queryParam("runId", run)
        .when()
        .get("/api/v1/events")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .getList("$");
  }

  private static double counter(String workflow, String step, String outcome) {
    String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    Pattern p = Pattern.compile("(?m)^taproot_executions_total\\{([^}]*)\\} ([0-9.eE+]+)$");
    Matcher m = p.matcher(metrics);
    while (m.find()) {
      String labels = m.group(1);
      if (labels.contains("workflow=\"" + workflow + "\"")
          && labels.contains("step=\"" + step + "\"")
          && labels.contains("outcome=\"" + outcome + "\"")) {
        return Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }
}
