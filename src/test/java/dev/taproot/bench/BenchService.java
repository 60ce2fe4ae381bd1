package dev.taproot.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.support.Metrics;
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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged service in its own JVM, on a fresh H2 file or PostgreSQL schema, for the benchmarks.
 * With {@code -Dbench.jfr=/path/name.jfr} the service JVM runs under Java Flight Recorder (the
 * {@code profile} settings) and writes {@code /path/name-<db>.jfr} when it stops.
 */
final class BenchService implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final String db;
  final String jdbcUrl;
  final String jdbcUser;
  private final Process process;
  private final String base;
  private final HttpClient http = HttpClient.newHttpClient();

  private BenchService(String db, String jdbcUrl, String jdbcUser, Process process, String base) {
    this.db = db;
    this.jdbcUrl = jdbcUrl;
    this.jdbcUser = jdbcUser;
    this.process = process;
    this.base = base;
  }

  /** Starts the H2 jar (target/quarkus-app) or its PostgreSQL copy (bench/engine.sh makes it). */
  static BenchService start(String db) throws Exception {
    Path work = Files.createTempDirectory("taproot-bench");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String jdbc;
    String user;
    Path app;
    if (db.equals("postgresql")) {
      jdbc = System.getProperty("bench.pg-url", "jdbc:postgresql://127.0.0.1:5432/taproot_bench");
      user = "postgres";
      app = Path.of(System.getProperty("bench.pg-app", "target/bench-pg/quarkus-app"));
      try (Connection c = DriverManager.getConnection(jdbc, user, "");
          Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS public CASCADE");
        st.execute("CREATE SCHEMA public");
      }
    } else {
      jdbc =
          "jdbc:h2:file:"
              + work.resolve("db").toAbsolutePath()
              + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;CACHE_SIZE=65536"
              // Extra H2 settings for experiments, e.g. -Dbench.h2-options=";CACHE_SIZE=131072"
              + System.getProperty("bench.h2-options", "");
      user = "sa";
      // Another build of the service, e.g. one of an earlier commit to compare against.
      app = Path.of(System.getProperty("bench.app", "target/quarkus-app"));
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx6g");
    String jfr = System.getProperty("bench.jfr");
    if (jfr != null && !jfr.isBlank()) {
      // Opt-in CPU profile of the service JVM, written when it stops; one file per service
      // started, the database's name inserted before the extension.
      Path file = Path.of(jfr.replaceFirst("(\\.jfr)?$", "-" + db + ".jfr")).toAbsolutePath();
      cmd.add("-XX:FlightRecorderOptions:stackdepth=256");
      cmd.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + file);
      System.out.println("service JFR recording: " + file);
    }
    // Extra service settings for experiments, e.g.
    // -Dbench.service-args="-Dtaproot.cluster.partition-size=100000"
    String extra = System.getProperty("bench.service-args", "").trim();
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split("\\s+")));
    }
    cmd.addAll(
        List.of(
            "-Dquarkus.http.port=" + port,
            "-Dquarkus.datasource.jdbc.url=" + jdbc,
            "-Dquarkus.datasource.username=" + user,
            "-Dtaproot.bundled.enabled=false",
            "-Dtaproot.runs.max-input-size=1G",
            "-Dquarkus.log.level=WARN",
            "-jar",
            app.resolve("quarkus-run.jar").toString()));
    System.out.println("service log: " + work.resolve("service.log"));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("service.log").toFile())
            .start();
    BenchService service = new BenchService(db, jdbc, user, p, "http://127.0.0.1:" + port);
    for (int i = 0; i < 300; i++) {
      if (!p.isAlive()) {
        throw new IllegalStateException(
            "service exited: " + Files.readString(work.resolve("service.log")));
      }
      try {
        if (service
                .http
                .send(
                    HttpRequest.newBuilder(URI.create(service.base + "/q/health/ready"))
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode()
            == 200) {
          return service;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("service did not start");
  }

  void register(String name, String resource) throws Exception {
    send(
        HttpRequest.newBuilder(URI.create(base + "/api/v1/functions/" + name))
            .header("Content-Type", "application/wasm")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(resource(resource)))
            .build());
  }

  JsonNode post(String path, String type, String body) throws Exception {
    return JSON.readTree(
        send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build()));
  }

  JsonNode get(String path) throws Exception {
    return JSON.readTree(send(HttpRequest.newBuilder(URI.create(base + path)).GET().build()));
  }

  /**
   * CPU seconds the service process has used so far (all its threads, JIT and GC included), from
   * {@code /proc}; NaN where there is none. Less disturbed than wall time by whatever else the
   * machine runs.
   */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second).
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * The checkpoint writer's totals so far, from {@code /q/metrics}: {batches committed, seconds
   * spent on them}.
   */
  double[] writerTotals() throws Exception {
    String text = send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).GET().build());
    // Zeros from a build without the metric (an earlier commit under -Dbench.app).
    return new double[] {
      Metrics.value(text, "taproot_checkpoint_batches_seconds_count").orElse(0),
      Metrics.value(text, "taproot_checkpoint_batches_seconds_sum").orElse(0)
    };
  }

  /** Starts a run of {@code workflow} with {@code body}; returns its id. */
  String startRun(String workflow, String type, String body) throws Exception {
    return post("/api/v1/workflows/" + workflow + "/runs", type, body).get("runId").asText();
  }

  /** Polls until the run is no longer running and returns its view. */
  JsonNode awaitRun(String runId) throws Exception {
    while (true) {
      JsonNode run = get("/api/v1/runs/" + runId);
      if (!run.get("status").asText().equals("running")) {
        return run;
      }
      Thread.sleep(50);
    }
  }

  Connection jdbc() throws Exception {
    return DriverManager.getConnection(jdbcUrl, jdbcUser, "");
  }

  private String send(HttpRequest request) throws Exception {
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(
          request.uri() + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  static byte[] resource(String path) throws IOException {
    try (InputStream in = BenchService.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing resource " + path);
      }
      return in.readAllBytes();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }

  /**
   * {@code n} orders as x-ndjson CSV rows; the rows at {@code bad} get a quoted customer name with
   * a comma, which parse-order@1 mis-parses. Seeded, so every run gets the same records.
   */
  static String orders(int n, java.util.Set<Integer> bad, long seed) {
    java.util.Random random = new java.util.Random(seed);
    String[] customers = {"Acme Corp", "Globex", "Initech", "Umbrella", "Hooli"};
    String[] currencies = {"EUR", "USD", "GBP"};
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      String customer =
          bad.contains(i)
              ? "\\\"Smith, Jones & Co\\\""
              : customers[random.nextInt(customers.length)];
      String row =
          (10_000 + i)
              + ","
              + customer
              + ",SKU-"
              + random.nextInt(50)
              + ","
              + (1 + random.nextInt(20))
              + ","
              + (1 + random.nextInt(9999)) / 100.0
              + ","
              + currencies[random.nextInt(3)];
      b.append("{\"row\": \"").append(row).append("\"}\n");
    }
    return b.toString();
  }
}
