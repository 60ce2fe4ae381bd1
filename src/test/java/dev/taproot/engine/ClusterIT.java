package dev.taproot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.support.IncRuns;
import dev.taproot.support.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ServiceProcess> started = new ArrayList<>();
  private String jdbcUrl;
  private IncRuns runs;
  private Path app;
  private Path logs;

  @BeforeEach
  void startCluster() throws Exception {
    jdbcUrl = ServiceProcess.integrationPostgres("ClusterIT");
    runs = new IncRuns(jdbcUrl, "postgres", "cluster", ITEMS);
    app = ServiceProcess.postgresApp();
    ServiceProcess.resetPostgres(jdbcUrl, "postgres");
    logs = Files.createTempDirectory("taproot-cluster");
    // The first one migrates the schema; the others join it.
    start();
    CompletableFuture<ServiceProcess> second = CompletableFuture.supplyAsync(this::startQuietly);
    CompletableFuture<ServiceProcess> third = CompletableFuture.supplyAsync(this::startQuietly);
    second.join();
    third.join();
    runs.prepare(instance(0));
  }

  @AfterEach
  void stopAll() {
    started.forEach(s -> s.process.destroyForcibly());
  }

  @Test
  void threeInstancesShareOneRunAndAgreeWithASingleInstance() throws Exception {
    String runId = runs.start(instance(0));
    int[] partway = awaitFinishedWatchingProgress(runId, Duration.ofMinutes(5));
    assertEquals("succeeded", runs.status(runId));
    runs.assertExactlyOneSuccessPerItem(runId);
    for (int i = 0; i < 3; i++) {
      assertTrue(partway[i] > 0, "instance " + i + " showed the counts move while the run ran");
      assertTrue(
          instance(i).metric("taproot_cluster_claims_total") >= 1,
          "instance " + i + " claimed part of the run");
    }
    assertEquals(
        IncRuns.view(instance(0), runId),
        IncRuns.view(instance(2), runId),
        "every instance answers alike");
    Thread.sleep(1000); // events are stored in batches, a few milliseconds after they happen
    String events = instance(1).get("/api/v1/events?runId=" + runId).body();
    assertEquals(events, instance(2).get("/api/v1/events?runId=" + runId).body());
    assertTrue(
        events.contains("run.started") && events.contains("run.finished"),
        "the events of every instance, whichever published them: " + events);

    // The same input on one instance alone.
    instance(1).stop();
    instance(2).stop();
    String alone = runs.start(instance(0));
    IncRuns.awaitFinished(instance(0), alone, Duration.ofMinutes(5));
    assertEquals(
        runs.outputs(alone), runs.outputs(runId), "outputs equal those of a single instance");
  }

  @Test
  void aKilledInstancesWorkIsTakenOverWithinTheLease() throws Exception {
    String runId = runs.start(instance(0));
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
    IncRuns.awaitFinished(instance(0), runId, Duration.ofMinutes(5));
    assertEquals("succeeded", runs.status(runId));
    runs.assertExactlyOneSuccessPerItem(runId);
    runs.assertOutputsAreThoseOfInc(runId);
  }

  @Test
  void aFrozenInstanceWakesUpFencedOut() throws Exception {
    String runId = runs.start(instance(0));
    ServiceProcess frozen = instance(2);
    String frozenId = awaitHolding(frozen, runId);
    frozen.freeze();
    awaitNoUnitOf(instance(0), frozenId, false, Duration.ofMinutes(3));
    // The others hold its work now; it wakes up with results it computed under the old leases.
    frozen.thaw();
    IncRuns.awaitFinished(instance(0), runId, Duration.ofMinutes(5));
    assertEquals("succeeded", runs.status(runId));
    runs.assertExactlyOneSuccessPerItem(runId);
    runs.assertOutputsAreThoseOfInc(runId);
    long lost = frozen.metric("taproot_cluster_leases_lost_total");
    long refused = frozen.metric("taproot_cluster_fencing_refused_total");
    System.out.printf(
        "[cluster] the thawed instance lost %d lease(s); %d write(s) refused%n", lost, refused);
    assertTrue(lost >= 1, "the thawed instance found its leases lost");
    assertTrue(refused >= 1, "what it computed under the old leases was refused");
  }

  @Test
  void aStoppedInstanceHandsItsWorkBackAndNothingRunsTwice() throws Exception {
    String runId = runs.start(instance(0));
    ServiceProcess stopping = instance(1);
    awaitHolding(stopping, runId);
    stopping.stop();
    start();
    IncRuns.awaitFinished(instance(0), runId, Duration.ofMinutes(5));
    assertEquals("succeeded", runs.status(runId));
    runs.assertExactlyOneSuccessPerItem(runId);
    assertEquals(
        0,
        runs.scalar(
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
            && runs.scalar("SELECT COUNT(*) FROM execution WHERE run_id = ?", runId) > 500) {
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
  /**
   * Polls the run on every instance until it ended, checking that no instance's count of succeeded
   * items of a step ever goes back or passes what the database holds just after the answer (an item
   * counted twice would); returns, per instance, how many answers showed a step part way.
   */
  private int[] awaitFinishedWatchingProgress(String runId, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Map<String, Integer>> seen = new ArrayList<>();
    int[] partway = new int[3];
    for (int i = 0; i < 3; i++) {
      seen.add(new HashMap<>());
    }
    while (System.nanoTime() < deadline) {
      boolean running = false;
      for (int i = 0; i < 3; i++) {
        JsonNode view = IncRuns.view(instance(i), runId);
        running |= "running".equals(view.path("status").asText());
        for (Iterator<String> steps = view.path("progress").fieldNames(); steps.hasNext(); ) {
          String step = steps.next();
          int shown = view.path("progress").path(step).path("succeeded").asInt();
          int before = seen.get(i).getOrDefault(step, 0);
          int stored =
              runs.scalar(
                  "SELECT COUNT(DISTINCT item_key) FROM execution WHERE run_id = ? AND step_id = '"
                      + step
                      + "' AND status = 'succeeded'",
                  runId);
          assertTrue(
              shown >= before && shown <= stored,
              "instance "
                  + i
                  + ", step "
                  + step
                  + ": "
                  + shown
                  + " succeeded shown after "
                  + before
                  + ", "
                  + stored
                  + " stored");
          int items = 0;
          for (Iterator<JsonNode> n = view.path("progress").path(step).elements(); n.hasNext(); ) {
            items += n.next().asInt();
          }
          // units held by the others are counted from what their holders last said: never twice
          assertTrue(
              items <= ITEMS,
              "instance " + i + ", step " + step + ": " + items + " items counted of " + ITEMS);
          seen.get(i).put(step, shown);
          if (shown > 0 && shown < ITEMS) {
            partway[i]++;
          }
        }
      }
      if (!running) {
        return partway;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("run " + runId + " still running after " + timeout);
  }

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
}
