package dev.taproot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.support.IncPipeline;
import dev.taproot.support.ServiceProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three instances of the packaged service (separate JVMs) on the PostgreSQL of this machine share
 * one 20,000-item run, split into partitions of 1,000 items: with all three alive, with one killed
 * (SIGKILL), with one frozen past its lease (SIGSTOP, then SIGCONT: its late results must be
 * refused), and with one stopped gracefully (SIGTERM) and started again. Every item must end with
 * exactly one success per step and the outputs of a single-instance run. Runs in the integration
 * profile only: H2 is one process's database.
 */
class ClusterIT {
  private static final int ITEMS = 20_000;
  private static final Duration LEASE = Duration.ofSeconds(4);
  private static final Pattern RUN_ID = Pattern.compile("\"runId\":\"([^\"]+)\"");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ServiceProcess> started = new ArrayList<>();
  private String jdbcUrl;
  private Path app;
  private Path logs;

  @BeforeEach
  void startCluster() throws Exception {
    jdbcUrl = System.getProperty("taproot.it.jdbc-url");
    assertTrue(
        jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:"),
        "ClusterIT needs -Dtaproot.it.jdbc-url=jdbc:postgresql://… (the integration profile)");
    app = ServiceProcess.postgresApp();
    ServiceProcess.resetPostgres(jdbcUrl, "postgres");
    logs = Files.createTempDirectory("taproot-cluster");
    // The first one migrates the schema; the others join it.
    start();
    CompletableFuture<ServiceProcess> second = CompletableFuture.supplyAsync(this::startQuietly);
    CompletableFuture<ServiceProcess> third = CompletableFuture.supplyAsync(this::startQuietly);
    second.join();
    third.join();
    register("inc");
    submitWorkflow();
  }

  @AfterEach
  void stopAll() {
    started.forEach(s -> s.process.destroyForcibly());
  }

  @Test
  void threeInstancesShareOneRunAndAgreeWithASingleInstance() throws Exception {
    String runId = startRun(instance(0));
    awaitFinished(instance(1), runId, Duration.ofMinutes(5));
    assertEquals("succeeded", status(runId));
    assertExactlyOneSuccessPerItem(runId);
    for (int i = 0; i < 3; i++) {
      assertTrue(
          metric(instance(i), "taproot_cluster_claims_total") >= 1,
          "instance " + i + " claimed part of the run");
    }
    assertEquals(
        runView(instance(0), runId), runView(instance(2), runId), "every instance answers alike");
    Thread.sleep(1000); // events are stored in batches, a few milliseconds after they happen
    String events = instance(1).get("/api/v1/events?runId=" + runId).body();
    assertEquals(events, instance(2).get("/api/v1/events?runId=" + runId).body());
    assertTrue(
        events.contains("run.started") && events.contains("run.finished"),
        "the events of every instance, whichever published them: " + events);

    // The same input on one instance alone.
    instance(1).stop();
    instance(2).stop();
    String alone = startRun(instance(0));
    awaitFinished(instance(0), alone, Duration.ofMinutes(5));
    assertEquals(outputs(alone), outputs(runId), "outputs equal those of a single instance");
  }

  @Test
  void aKilledInstancesWorkIsTakenOverWithinTheLease() throws Exception {
    String runId = startRun(instance(0));
    ServiceProcess victim = instance(1);
    String victimId = awaitHolding(victim, runId);
    victim.kill();
    long killed = System.nanoTime();
    awaitNoUnitOf(instance(0), victimId, true, Duration.ofSeconds(30));
    Duration released = Duration.ofNanos(System.nanoTime() - killed);
    awaitNoUnitOf(instance(0), victimId, false, Duration.ofMinutes(3));
    Duration claimed = Duration.ofNanos(System.nanoTime() - killed);
    System.out.printf(
        "[cluster] killed instance: its leases ran out after %d ms, all its units were claimed"
            + " again after %d ms (the others claim as they have room: max-units 2)%n",
        released.toMillis(), claimed.toMillis());
    assertTrue(
        released.compareTo(LEASE.plusSeconds(3)) < 0,
        "the dead instance's leases end within the lease (plus a heartbeat): " + released);
    awaitFinished(instance(0), runId, Duration.ofMinutes(5));
    assertEquals("succeeded", status(runId));
    assertExactlyOneSuccessPerItem(runId);
    assertOutputsAreThoseOfInc(runId);
  }

  @Test
  void aFrozenInstanceWakesUpFencedOut() throws Exception {
    String runId = startRun(instance(0));
    ServiceProcess frozen = instance(2);
    String frozenId = awaitHolding(frozen, runId);
    frozen.freeze();
    awaitNoUnitOf(instance(0), frozenId, false, Duration.ofMinutes(3));
    // The others hold its work now; it wakes up with results it computed under the old leases.
    frozen.thaw();
    awaitFinished(instance(0), runId, Duration.ofMinutes(5));
    assertEquals("succeeded", status(runId));
    assertExactlyOneSuccessPerItem(runId);
    assertOutputsAreThoseOfInc(runId);
    long lost = metric(frozen, "taproot_cluster_leases_lost_total");
    long refused = metric(frozen, "taproot_cluster_fencing_refused_total");
    System.out.printf(
        "[cluster] the thawed instance lost %d lease(s); %d write(s) refused%n", lost, refused);
    assertTrue(lost >= 1, "the thawed instance found its leases lost");
    assertTrue(refused >= 1, "what it computed under the old leases was refused");
  }

  @Test
  void aStoppedInstanceHandsItsWorkBackAndNothingRunsTwice() throws Exception {
    String runId = startRun(instance(0));
    ServiceProcess stopping = instance(1);
    awaitHolding(stopping, runId);
    stopping.stop();
    start();
    awaitFinished(instance(0), runId, Duration.ofMinutes(5));
    assertEquals("succeeded", status(runId));
    assertExactlyOneSuccessPerItem(runId);
    assertEquals(
        0,
        scalar(
            "SELECT COUNT(*) FROM execution WHERE run_id = ? AND error_code = 'CANCELLED'", runId),
        "an attempt interrupted by the stop is not recorded as an outcome");
  }

  // --- the cluster ------------------------------------------------------------------------------

  private ServiceProcess instance(int i) {
    return started.get(i);
  }

  private ServiceProcess start() throws Exception {
    ServiceProcess s =
        ServiceProcess.start(
            app,
            jdbcUrl,
            "postgres",
            logs.resolve("instance-" + started.size() + ".log"),
            List.of(
                "-Xmx512m",
                "-Dtaproot.cluster.lease=" + LEASE.toSeconds() + "s",
                "-Dtaproot.cluster.heartbeat=1s",
                "-Dtaproot.cluster.claim-interval=300ms",
                "-Dtaproot.cluster.partition-size=1000",
                "-Dtaproot.cluster.max-units=2"));
    synchronized (started) {
      started.add(s);
    }
    return s;
  }

  private ServiceProcess startQuietly() {
    try {
      return start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits until {@code s} holds a unit of the run and has committed some of it; its id. */
  private String awaitHolding(ServiceProcess s, String runId) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode cluster = JSON.readTree(s.get("/api/v1/cluster").body());
      String self = cluster.get("self").asText();
      for (JsonNode u : cluster.get("units")) {
        if (u.get("runId").asText().equals(runId)
            && self.equals(u.path("owner").asText())
            && "held".equals(u.path("state").asText())
            && scalar("SELECT COUNT(*) FROM execution WHERE run_id = ?", runId) > 500) {
          return self;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("instance on port " + s.port + " never held part of " + runId);
  }

  /**
   * Waits until {@code owner} holds no unit: with {@code leaseOnly}, until its leases ran out;
   * otherwise until every unit it held is claimed by another instance.
   */
  private static void awaitNoUnitOf(
      ServiceProcess asked, String owner, boolean leaseOnly, Duration timeout) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      JsonNode cluster = JSON.readTree(asked.get("/api/v1/cluster").body());
      boolean held = false;
      for (JsonNode u : cluster.get("units")) {
        held |=
            owner.equals(u.path("owner").asText())
                && (!leaseOnly || "held".equals(u.path("state").asText()));
      }
      if (!held) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the units of " + owner + " were not claimed within " + timeout);
  }

  private static long metric(ServiceProcess s, String name) throws Exception {
    for (String line : s.get("/q/metrics").body().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError(name + " is not among the metrics of the instance on " + s.port);
  }

  // --- the run ----------------------------------------------------------------------------------

  private void register(String name) throws Exception {
    instance(0).register(name);
  }

  private void submitWorkflow() throws Exception {
    String yaml = IncPipeline.yaml("cluster");
    HttpResponse<String> r = instance(0).post("/api/v1/workflows", "application/yaml", yaml);
    assertEquals(201, r.statusCode(), r.body());
  }

  private static String startRun(ServiceProcess s) throws Exception {
    String input = IncPipeline.input(ITEMS);
    HttpResponse<String> r = s.post("/api/v1/workflows/cluster/runs", "application/json", input);
    assertEquals(202, r.statusCode(), r.body());
    Matcher m = RUN_ID.matcher(r.body());
    assertTrue(m.find(), r.body());
    return m.group(1);
  }

  private static JsonNode runView(ServiceProcess s, String runId) throws Exception {
    return JSON.readTree(s.get("/api/v1/runs/" + runId).body());
  }

  private static void awaitFinished(ServiceProcess s, String runId, Duration timeout)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      if (!"running".equals(runView(s, runId).path("status").asText())) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("run " + runId + " did not finish in " + timeout);
  }

  // --- what the database holds ------------------------------------------------------------------

  private String status(String runId) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
        PreparedStatement ps = c.prepareStatement("SELECT status FROM run WHERE id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : "missing";
      }
    }
  }

  private void assertExactlyOneSuccessPerItem(String runId) throws Exception {
    for (String step : List.of("a", "b", "total")) {
      int expected = step.equals("total") ? 1 : ITEMS;
      assertEquals(
          expected,
          scalar(
              "SELECT COUNT(*) FROM execution WHERE run_id = ? AND step_id = '"
                  + step
                  + "' AND status = 'succeeded'",
              runId),
          "one success per item of " + step);
      assertEquals(
          expected,
          scalar(
              "SELECT COUNT(DISTINCT item_key) FROM execution WHERE run_id = ? AND step_id = '"
                  + step
                  + "' AND status = 'succeeded'",
              runId),
          "no item of " + step + " succeeded twice");
    }
  }

  /** b's output of item i is i + 2 (inc twice), and the total counted every item. */
  private void assertOutputsAreThoseOfInc(String runId) throws Exception {
    Map<String, String> outputs = outputs(runId);
    for (int i = 0; i < ITEMS; i++) {
      assertEquals("{\"n\":" + (i + 2) + "}", outputs.get("b/" + i), "output of b, item " + i);
    }
    assertEquals("{\"n\":" + (ITEMS + 1) + "}", outputs.get("total/0"));
  }

  private Map<String, String> outputs(String runId) throws Exception {
    Map<String, String> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT e.step_id, e.item_key, p.bytes FROM execution e JOIN payload p"
                    + " ON p.digest = e.output_digest WHERE e.run_id = ? AND e.status ="
                    + " 'succeeded'")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(
              rs.getString(1) + "/" + rs.getString(2),
              new String(rs.getBytes(3), java.nio.charset.StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  private int scalar(String sql, String runId) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
