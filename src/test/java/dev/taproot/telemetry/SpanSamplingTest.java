package dev.taproot.telemetry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taproot.support.Api;
import io.opentelemetry.proto.trace.v1.Span;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With item-spans=failed, a big batch exports only its failed executions, and always its run and
 * steps.
 */
@QuarkusTest
@TestProfile(SpanSamplingTest.FailedOnly.class)
class SpanSamplingTest {
  public static class FailedOnly implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("taproot.telemetry.item-spans", "failed");
    }
  }

  @Test
  void onlyFailedExecutionsAreExported() {
    String failIf = Api.register("fail-if", Api.testModule("fail-if"));
    String wf = Api.unique("sampled");
    Api.submit(
        """
        name: %s
        functions:
          check: { ref: %s }
        steps:
          check:
            function: check
            forEach: ${{ input.items }}
            input: ${{ item }}
        """
            .formatted(wf, failIf));
    String run =
        Api.start(
            wf, "{\"items\": [{\"n\": 1}, {\"n\": 2, \"fail\": true}, {\"n\": 3}, {\"n\": 4}]}");
    JsonPath view = Api.awaitFinished(run);
    String traceId = view.getString("traceId");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> spans(traceId).stream().anyMatch(s -> s.getName().equals("run " + wf)));
    List<String> names = spans(traceId).stream().map(Span::getName).sorted().toList();
    assertEquals(List.of("forEach check", "run " + wf, "step check", "wasm " + failIf), names);
    assertEquals(
        null,
        Api.item(run, "check", "0").getString("spanId"),
        "a span that was not exported is not recorded");
    assertEquals(
        HexFormat.of()
            .formatHex(
                spans(traceId).stream()
                    .filter(s -> s.getName().equals("step check"))
                    .findFirst()
                    .orElseThrow()
                    .getSpanId()
                    .toByteArray()),
        Api.item(run, "check", "1").getString("spanId"));
  }

  private static List<Span> spans(String traceId) {
    return OtlpReceiver.spans().stream()
        .filter(s -> HexFormat.of().formatHex(s.getTraceId().toByteArray()).equals(traceId))
        .toList();
  }
}
