package dev.taproot.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.IncRuns;
import dev.taproot.support.ServiceProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped and started again (with its own commands, as an operator or a crash would)
 * while the packaged service is in the middle of a run: the checkpoint writer keeps what it could
 * not commit, workers wait for room in its bounded backlog instead of filling the heap, and once
 * the database is back the run completes with every item exactly once. Integration profile only.
 */
class DatabaseRestartIT {
  private static final int ITEMS = 30_000;
  private static final int BACKLOG = 500;
  private static final Duration OUTAGE = Duration.ofSeconds(8);

  private String jdbcUrl;
  private IncRuns runs;
  private ServiceProcess service;

  @BeforeEach
  void startService() throws Exception {
    jdbcUrl = ServiceProcess.integrationPostgres("DatabaseRestartIT");
    ServiceProcess.resetPostgres(jdbcUrl, "postgres");
    Path logs = Files.createTempDirectory("taproot-db-restart");
    service =
        ServiceProcess.start(
            ServiceProcess.postgresApp(),
            jdbcUrl,
            "postgres",
            logs.resolve("service.log"),
            List.of("-Xmx512m", "-Dtaproot.engine.checkpoint-backlog=" + BACKLOG));
    runs = new IncRuns(jdbcUrl, "postgres", "restart", ITEMS);
    runs.prepare(service);
  }

  @AfterEach
  void stopService() throws Exception {
    if (service != null) {
      service.process.destroyForcibly();
    }
    Postgres.start(); // whatever happened, the database is left running
  }

  @Test
  void aRunSurvivesPostgresStoppingAndStartingMidRun() throws Exception {
    String runId = runs.start(service);
    awaitCheckpoints(runId, 2_000);

    Postgres.stop();
    long stopped = System.nanoTime();
    Thread.sleep(OUTAGE.toMillis() / 2);
    long backlogMidOutage = service.metric("taproot_checkpoint_backlog");
    Thread.sleep(OUTAGE.toMillis() / 2);
    long backlogLate = service.metric("taproot_checkpoint_backlog");
    long waits = service.metric("taproot_checkpoint_backlog_waits_total");
    Postgres.start();
    System.out.printf(
        "[db-restart] PostgreSQL was away %d ms; the writer's backlog held %d then %d executions"
            + " (bound %d), workers waited for room %d time(s)%n",
        Duration.ofNanos(System.nanoTime() - stopped).toMillis(),
        backlogMidOutage,
        backlogLate,
        BACKLOG,
        waits);
    int workers = Runtime.getRuntime().availableProcessors();
    assertTrue(waits >= 1, "workers waited for room while the database was away");
    assertTrue(
        backlogLate <= BACKLOG + workers,
        "the backlog stays at its bound (one finished execution per worker may go over): "
            + backlogLate);
    assertEquals(
        backlogMidOutage,
        backlogLate,
        "nothing more is executed while the backlog is full and the database away");

    IncRuns.awaitFinished(service, runId, Duration.ofMinutes(5));
    assertEquals("succeeded", runs.status(runId));
    runs.assertExactlyOneSuccessPerItem(runId);
    runs.assertOutputsAreThoseOfInc(runId);
    assertEquals(
        "succeeded",
        IncRuns.view(service, runId).path("status").asText(),
        "the service answers again from the restarted database");
  }

  private void awaitCheckpoints(String runId, int atLeast) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (runs.scalar("SELECT COUNT(*) FROM execution WHERE run_id = ?", runId) < atLeast) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("run " + runId + " committed fewer than " + atLeast + " in 60 s");
      }
      Thread.sleep(20);
    }
  }

  /** The PostgreSQL cluster of this machine, through Debian's pg_ctlcluster. */
  private static final class Postgres {
    static void stop() throws IOException, InterruptedException {
      run("stop", "-m", "fast");
    }

    static void start() throws IOException, InterruptedException {
      if (!ready()) {
        run("start");
      }
      long deadline = System.currentTimeMillis() + 60_000;
      while (!ready()) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("PostgreSQL did not come back within 60 s");
        }
        Thread.sleep(200);
      }
    }

    private static boolean ready() throws IOException, InterruptedException {
      return new ProcessBuilder("pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432")
              .start()
              .waitFor()
          == 0;
    }

    private static void run(String... action) throws IOException, InterruptedException {
      String[] versions = new java.io.File("/etc/postgresql").list();
      assertTrue(
          versions != null && versions.length > 0, "no PostgreSQL cluster in /etc/postgresql");
      List<String> cmd =
          new java.util.ArrayList<>(
              List.of("pg_ctlcluster", "--skip-systemctl-redirect", versions[0], "main"));
      cmd.addAll(List.of(action));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
  }
}
