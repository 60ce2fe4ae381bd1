package dev.taproot.telemetry;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Log lines about a run carry its ids, and instance creation is measured, for a real run. */
@QuarkusTest
class LogContextTest {
  private final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          ExtLogRecord ext = (ExtLogRecord) r;
          ext.copyAll();
          records.add(ext);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    Logger.getLogger("dev.taproot").addHandler(capture);
  }

  @AfterEach
  void stop() {
    Logger.getLogger("dev.taproot").removeHandler(capture);
  }

  @Test
  void aFailedExecutionIsLoggedWithItsRunStepItemAttemptAndTraceId() {
    String failIf = Api.register("fail-if", Api.testModule("fail-if"));
    String wf = Api.unique("logged");
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
    String run = Api.start(wf, "{\"items\": [{\"n\": 1}, {\"n\": 2, \"fail\": true}]}");
    JsonPath view = Api.awaitFinished(run);
    String trace = view.getString("traceId");

    List<ExtLogRecord> failures =
        records.stream()
            .filter(r -> r.getLoggerName().equals("dev.taproot.execution"))
            .filter(r -> run.equals(r.getMdc(LogContext.RUN)))
            .toList();
    assertEquals(1, failures.size(), "one warning, for the one failed item: " + failures);
    ExtLogRecord failure = failures.get(0);
    assertEquals("WARN", failure.getLevel().getName());
    assertEquals("check", failure.getMdc(LogContext.STEP));
    assertEquals("1", failure.getMdc(LogContext.ITEM));
    assertEquals("1", failure.getMdc(LogContext.ATTEMPT));
    assertEquals(trace, failure.getMdc(LogContext.TRACE));
    assertEquals(
        Api.item(run, "check", "1").getString("traceId"), failure.getMdc(LogContext.TRACE));

    String line =
        new PatternFormatter(
                ConfigProvider.getConfig().getValue("quarkus.log.console.format", String.class))
            .format(failure);
    assertTrue(
        line.contains(
            "run=" + run + " step=check item=1 attempt=1 trace=" + trace + " failed with EXIT"),
        line);
    assertTrue(line.contains("/api/v1/runs/" + run + "/steps/check/items/1"), line);

    ExtLogRecord finished =
        records.stream()
            .filter(r -> run.equals(r.getMdc(LogContext.RUN)))
            .filter(r -> r.getFormattedMessage().contains("failed: 1 item(s) failed"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no run-finished line in " + records));
    assertEquals(trace, finished.getMdc(LogContext.TRACE));
    assertEquals(null, finished.getMdc(LogContext.STEP));
  }

  @Test
  void everyFreshInstanceIsTimed() {
    String inc = Api.register("inc", Api.testModule("inc"));
    String wf = Api.unique("timed");
    Api.submit(
        """
        name: %s
        functions:
          inc: { ref: %s }
        steps:
          inc:
            function: inc
            forEach: ${{ input.items }}
            input: { n: "${{ item }}" }
        """
            .formatted(wf, inc));
    double before = instancesCreated();
    Api.awaitFinished(Api.start(wf, "{\"items\": [1, 2, 3, 4, 5, 6, 7]}"));
    assertEquals(before + 7, instancesCreated());
  }

  private static double instancesCreated() {
    String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    Matcher m =
        Pattern.compile(
                "(?m)^taproot_instance_creation_seconds_count\\{engine=\"compiled\"\\} ([0-9.eE+]+)")
            .matcher(metrics);
    if (!m.find()) {
      throw new AssertionError("no instance creation histogram in /q/metrics");
    }
    return Double.parseDouble(m.group(1));
  }
}
