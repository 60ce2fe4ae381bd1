package dev.taproot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.IncPipeline;
import dev.taproot.support.IncRuns;
import dev.taproot.support.ItDatabase;
import dev.taproot.support.ServiceProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kills the packaged service (a separate JVM) in the middle of a 2,000-item run, at each
 * fault-injection point and at a random moment with SIGKILL, starts it again and checks that the
 * run finishes with exactly one succeeded execution per item and step, and the same outputs as an
 * uninterrupted run.
 *
 * <p>Runs on H2 by default; {@code -Dtaproot.it.jdbc-url=jdbc:postgresql://…} (the integration
 * profile) runs it on PostgreSQL, with a copy of the same jar re-augmented for it.
 */
class CrashRecoveryIT {
  private static final int ITEMS = 2000;
  private static final Pattern RUN_ID = Pattern.compile("\"runId\":\"([^\"]+)\"");
  private static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z]+)\"");

  private final List<ServiceProcess> started = new ArrayList<>();
  private Path dataDir;
  private String jdbcUrl;
  private String jdbcUser;
  private Path app;

  /** The service the test talks to now. */
  private ServiceProcess service;

  @AfterEach
  void stopAll() {
    started.forEach(s -> s.process.destroyForcibly());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "after-function-returned",
        "before-checkpoint-commit",
        "after-checkpoint-commit",
        "sigkill",
        "sigterm"
      })
  void aRunSurvivesACrash(String fault) throws Exception {
    useDatabase();
    Process first = start(fault);
    String inc = register("inc");
    submitWorkflow(inc);
    String runId = startRun();
    if (fault.equals("sigkill")) {
      Thread.sleep(ThreadLocalRandom.current().nextLong(150, 600));
      first.destroyForcibly();
    } else if (fault.equals("sigterm")) {
      // A rolling deploy: the service stops gracefully in the middle of the run.
      Thread.sleep(ThreadLocalRandom.current().nextLong(150, 600));
      first.destroy();
    }
    assertTrue(
        first.waitFor(120, java.util.concurrent.TimeUnit.SECONDS),
        "the service should have stopped at " + fault);
    assertFalse(first.isAlive());
    assertEquals(
        "running",
        status(runId),
        "the crash must come before the run finished, or the test proves nothing");

    Process second = start(null);
    await(runId, Duration.ofSeconds(180));
    assertEquals("succeeded", status(runId));
    String reference = startRun();
    await(reference, Duration.ofSeconds(180));
    second.destroy();
    second.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);

    IncRuns runs = new IncRuns(jdbcUrl, jdbcUser, "crash", ITEMS);
    assertEquals(
        0,
        runs.scalar(
            "SELECT COUNT(*) FROM execution WHERE run_id = ? AND error_code = 'CANCELLED'", runId),
        "an attempt interrupted by the stop is no outcome: it is not recorded");
    runs.assertExactlyOneSuccessPerItem(runId);
    Map<String, String> crashed = runs.outputs(runId);
    Map<String, String> clean = runs.outputs(reference);
    assertEquals(2 * ITEMS + 1, clean.size());
    assertEquals(clean, crashed, "outputs after the crash equal those of an uninterrupted run");
  }

  /**
   * A redrive is stored before it is answered: when its owner dies in the middle of it, the
   * restarted service finishes it (every selected item runs again, the fan-in counts them all).
   */
  @org.junit.jupiter.api.Test
  void aRedriveSurvivesTheDeathOfItsOwner() throws Exception {
    useDatabase();
    Process first = start(null);
    register("fail-if");
    register("echo");
    register("inc");
    String yaml =
        """
        name: redrive
        functions:
          check: { ref: fail-if@1 }
          inc: { ref: inc@1 }
        steps:
          check:
            function: check
            forEach: ${{ input.items }}
            input: ${{ item }}
          b:
            function: inc
            forEach: ${{ steps.check.items }}
            input: { n: "${{ item.output.n }}" }
          total:
            function: inc
            input: { n: "${{ steps.b.items.size() }}" }
        """;
    assertEquals(201, service.post("/api/v1/workflows", "application/yaml", yaml).statusCode());
    String input =
        IntStream.range(0, ITEMS)
            .mapToObj(i -> "{\"n\": " + i + (i % 10 == 0 ? ", \"fail\": true}" : "}"))
            .collect(Collectors.joining(",", "{\"items\": [", "]}"));
    HttpResponse<String> started =
        service.post("/api/v1/workflows/redrive/runs", "application/json", input);
    Matcher m = RUN_ID.matcher(started.body());
    assertTrue(m.find(), started.body());
    String runId = m.group(1);
    await(runId, Duration.ofSeconds(180));
    assertEquals("failed", status(runId));

    HttpResponse<String> redrive =
        service.post(
            "/api/v1/runs/" + runId + "/redrive",
            "application/json",
            "{\"from\": \"check\", \"items\": \"failed\", \"functions\": {\"check\": \"echo@1\"}}");
    assertEquals(202, redrive.statusCode(), redrive.body());
    Thread.sleep(ThreadLocalRandom.current().nextLong(20, 120));
    first.destroyForcibly();
    assertTrue(first.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(
        "running",
        status(runId),
        "the kill must come before the redrive ended, or this proves nothing");

    start(null);
    await(runId, Duration.ofSeconds(180));
    assertEquals("succeeded", status(runId), "the restarted service finished the redrive");
    service.stop(); // the H2 file is one process's
    IncRuns runs = new IncRuns(jdbcUrl, jdbcUser, "redrive", ITEMS);
    assertEquals(
        ITEMS,
        runs.scalar(
            "SELECT COUNT(*) FROM execution WHERE run_id = ? AND step_id = 'b'"
                + " AND status = 'succeeded'",
            runId),
        "every item, the redriven ones included, went through b once");
    assertEquals(
        ITEMS / 10,
        runs.scalar(
            "SELECT COUNT(*) FROM execution WHERE run_id = ? AND step_id = 'check'"
                + " AND status = 'succeeded' AND attempt > 1 AND function_ref = 'echo@1'",
            runId),
        "each failed item ran again with the function the redrive chose");
  }

  private void useDatabase() throws Exception {
    ItDatabase db = ItDatabase.fresh("taproot-crash");
    dataDir = db.dir();
    jdbcUrl = db.jdbcUrl();
    jdbcUser = db.user();
    app = db.app();
  }

  private Process start(String fault) throws IOException, InterruptedException {
    List<String> settings = new ArrayList<>();
    // A restarted instance on PostgreSQL takes over its predecessor's runs once their leases run
    // out: short leases keep the test quick.
    settings.add("-Dtaproot.cluster.lease=3s");
    settings.add("-Dtaproot.cluster.heartbeat=1s");
    settings.add("-Dtaproot.cluster.claim-interval=250ms");
    if (fault != null && !fault.equals("sigkill") && !fault.equals("sigterm")) {
      settings.add("-Dtaproot.fault.point=" + fault);
      settings.add("-Dtaproot.fault.after=" + (fault.equals("after-function-returned") ? 1500 : 4));
    }
    service =
        ServiceProcess.start(
            app,
            jdbcUrl,
            jdbcUser,
            dataDir.resolve("service-" + started.size() + ".log"),
            settings);
    started.add(service);
    return service.process;
  }

  private String register(String name) throws Exception {
    service.register(name);
    return name + "@1";
  }

  private void submitWorkflow(String inc) throws Exception {
    assertEquals("inc@1", inc);
    String yaml = IncPipeline.yaml("crash");
    HttpResponse<String> r = service.post("/api/v1/workflows", "application/yaml", yaml);
    assertEquals(201, r.statusCode(), r.body());
  }

  private String startRun() throws Exception {
    String input = IncPipeline.input(ITEMS);
    HttpResponse<String> r =
        service.post("/api/v1/workflows/crash/runs", "application/json", input);
    assertEquals(202, r.statusCode(), r.body());
    Matcher m = RUN_ID.matcher(r.body());
    assertTrue(m.find(), r.body());
    return m.group(1);
  }

  private String status(String runId) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, jdbcUser, "");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT status FROM run WHERE id = '" + runId + "'")) {
      return rs.next() ? rs.getString(1) : "missing";
    } catch (java.sql.SQLException locked) {
      // H2 file in use by the live service: ask it instead.
      Matcher m = STATUS.matcher(service.get("/api/v1/runs/" + runId).body());
      return m.find() ? m.group(1) : "unknown";
    }
  }

  private void await(String runId, Duration timeout) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      Matcher m = STATUS.matcher(service.get("/api/v1/runs/" + runId).body());
      if (m.find() && !m.group(1).equals("running")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("run " + runId + " did not finish in " + timeout);
  }
}
