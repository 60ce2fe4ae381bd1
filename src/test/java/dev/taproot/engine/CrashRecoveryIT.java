package dev.taproot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Process> started = new ArrayList<>();
  private Path dataDir;
  private String jdbcUrl;
  private String jdbcUser;
  private int port;
  private Path app;

  @AfterEach
  void stopAll() {
    started.forEach(Process::destroyForcibly);
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
    dataDir = Files.createTempDirectory("taproot-crash");
    String pg = System.getProperty("taproot.it.jdbc-url");
    if (pg != null && !pg.isBlank()) {
      jdbcUrl = pg;
      jdbcUser = "postgres";
      app = postgresApp();
      resetPostgres();
    } else {
      app = Path.of("target/quarkus-app");
      jdbcUrl =
          "jdbc:h2:file:"
              + dataDir.resolve("db").toAbsolutePath()
              + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
      jdbcUser = "sa";
    }
    port = freePort();

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

    try (Connection c = DriverManager.getConnection(jdbcUrl, jdbcUser, "")) {
      assertEquals(
          0,
          scalar(
              c,
              "SELECT COUNT(*) FROM execution WHERE run_id = '"
                  + runId
                  + "' AND error_code = 'CANCELLED'"),
          "an attempt interrupted by the stop is no outcome: it is not recorded");
      for (String step : List.of("a", "b", "total")) {
        int expected = step.equals("total") ? 1 : ITEMS;
        assertEquals(
            expected,
            scalar(
                c,
                "SELECT COUNT(*) FROM execution WHERE run_id = '"
                    + runId
                    + "' AND step_id = '"
                    + step
                    + "' AND status = 'succeeded'"),
            "one success per item of " + step);
        assertEquals(
            0,
            scalar(
                c,
                "SELECT COUNT(*) FROM (SELECT item_key FROM execution WHERE run_id = '"
                    + runId
                    + "' AND step_id = '"
                    + step
                    + "' AND status = 'succeeded' GROUP BY item_key HAVING COUNT(*) > 1) d"),
            "no item of " + step + " succeeded twice");
      }
      Map<String, String> crashed = outputs(c, runId);
      Map<String, String> clean = outputs(c, reference);
      assertEquals(2 * ITEMS + 1, clean.size());
      assertEquals(clean, crashed, "outputs after the crash equal those of an uninterrupted run");
    }
  }

  private Process start(String fault) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dquarkus.http.port=" + port);
    cmd.add("-Dquarkus.datasource.jdbc.url=" + jdbcUrl);
    cmd.add("-Dquarkus.datasource.username=" + jdbcUser);
    cmd.add("-Dtaproot.bundled.enabled=false");
    if (fault != null && !fault.equals("sigkill") && !fault.equals("sigterm")) {
      cmd.add("-Dtaproot.fault.point=" + fault);
      cmd.add("-Dtaproot.fault.after=" + (fault.equals("after-function-returned") ? 1500 : 4));
    }
    cmd.add("-jar");
    cmd.add(app.resolve("quarkus-run.jar").toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolve("service-" + started.size() + ".log").toFile())
            .start();
    started.add(p);
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError(
            "the service exited during start-up: "
                + Files.readString(dataDir.resolve("service-" + (started.size() - 1) + ".log")));
      }
      try {
        if (get("/q/health/ready").statusCode() == 200) {
          return p;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the service did not become ready in 60 s");
  }

  private String register(String name) throws Exception {
    byte[] module;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("wasm/" + name + ".wasm")) {
      module = in.readAllBytes();
    }
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri("/api/v1/functions/" + name))
                .header("Content-Type", "application/wasm")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(module))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() == 201 || r.statusCode() == 200, r.body());
    return name + "@1";
  }

  private void submitWorkflow(String inc) throws Exception {
    String yaml =
        """
        name: crash
        functions:
          inc: { ref: %s }
        steps:
          a:
            function: inc
            forEach: ${{ input.items }}
            input: ${{ item }}
          b:
            function: inc
            forEach: ${{ steps.a.items }}
            input: ${{ item.output }}
          total:
            function: inc
            input:
              n: ${{ steps.b.items.map(i, i.output.n).size() }}
        """
            .formatted(inc);
    HttpResponse<String> r = post("/api/v1/workflows", "application/yaml", yaml);
    assertEquals(201, r.statusCode(), r.body());
  }

  private String startRun() throws Exception {
    String input =
        IntStream.range(0, ITEMS)
            .mapToObj(i -> "{\"n\": " + i + "}")
            .collect(Collectors.joining(",", "{\"items\": [", "]}"));
    HttpResponse<String> r = post("/api/v1/workflows/crash/runs", "application/json", input);
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
      Matcher m = STATUS.matcher(get("/api/v1/runs/" + runId).body());
      return m.find() ? m.group(1) : "unknown";
    }
  }

  private void await(String runId, Duration timeout) throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      Matcher m = STATUS.matcher(get("/api/v1/runs/" + runId).body());
      if (m.find() && !m.group(1).equals("running")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("run " + runId + " did not finish in " + timeout);
  }

  private static Map<String, String> outputs(Connection c, String runId) throws Exception {
    Map<String, String> out = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT step_id, item_key, output_digest FROM execution WHERE run_id = '"
                    + runId
                    + "' AND status = 'succeeded'")) {
      while (rs.next()) {
        out.put(rs.getString(1) + "/" + rs.getString(2), rs.getString(3));
      }
    }
    return out;
  }

  private static int scalar(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * The packaged jar, re-augmented for PostgreSQL as a user would (README, "PostgreSQL"), in a copy
   * named quarkus-app, since the re-augmentation writes to {@code <jar dir>/../quarkus-app}.
   */
  private static synchronized Path postgresApp() throws Exception {
    Path copy = Path.of("target/it-postgresql/quarkus-app");
    if (Files.exists(copy.resolve(".reaugmented"))) {
      return copy;
    }
    new ProcessBuilder("rm", "-rf", copy.getParent().toString()).inheritIO().start().waitFor();
    Files.createDirectories(copy.getParent());
    new ProcessBuilder("cp", "-r", "target/quarkus-app", copy.toString())
        .inheritIO()
        .start()
        .waitFor();
    Process rebuild =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.launch.rebuild=true",
                "-Dquarkus.datasource.db-kind=postgresql",
                "-jar",
                copy.resolve("quarkus-run.jar").toString())
            .redirectErrorStream(true)
            .redirectOutput(copy.getParent().resolve("rebuild.log").toFile())
            .start();
    assertEquals(
        0,
        rebuild.waitFor(),
        "re-augmentation for PostgreSQL failed; see target/it-postgresql/rebuild.log");
    Files.createFile(copy.resolve(".reaugmented"));
    return copy;
  }

  private void resetPostgres() throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl, jdbcUser, "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String type, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
