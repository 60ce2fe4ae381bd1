package dev.taproot.support;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

/** The packaged service started as a separate JVM, for tests that stop, kill or freeze it. */
public final class ServiceProcess {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  public final int port;
  public final Process process;
  public final Path log;

  private ServiceProcess(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code app}/quarkus-run.jar on a free port with {@code settings} (-D options) and waits
   * until it is ready.
   */
  public static ServiceProcess start(
      Path app, String jdbcUrl, String user, Path log, List<String> settings)
      throws IOException, InterruptedException {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dquarkus.http.port=" + port);
    cmd.add("-Dquarkus.datasource.jdbc.url=" + jdbcUrl);
    cmd.add("-Dquarkus.datasource.username=" + user);
    cmd.add("-Dtaproot.bundled.enabled=false");
    cmd.addAll(settings);
    cmd.add("-jar");
    cmd.add(app.resolve("quarkus-run.jar").toString());
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ServiceProcess service = new ServiceProcess(port, p, log);
    service.awaitReady();
    return service;
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("the service exited during start-up: " + Files.readString(log));
      }
      try {
        if (get("/q/health/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the service did not become ready in 90 s; see " + log);
  }

  public long pid() {
    return process.pid();
  }

  /** Freezes the JVM as a long GC pause or a SIGSTOP would. */
  public void freeze() throws IOException, InterruptedException {
    signal("-STOP");
  }

  public void thaw() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String signal) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", signal, Long.toString(pid())).start().waitFor();
    if (exit != 0) {
      throw new AssertionError("kill " + signal + " " + pid() + " exited with " + exit);
    }
  }

  /** SIGKILL, and waits for the process to be gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM (a rolling deploy), and waits for the graceful stop. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("the service did not stop within 60 s of SIGTERM");
    }
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String type, String body)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> put(String path, String type, byte[] body)
      throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", type)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Registers the test module {@code wasm/<name>.wasm} as function {@code name}. */
  public void register(String name) throws IOException, InterruptedException {
    byte[] module;
    try (java.io.InputStream in =
        ServiceProcess.class.getClassLoader().getResourceAsStream("wasm/" + name + ".wasm")) {
      if (in == null) {
        throw new IllegalArgumentException("no test module wasm/" + name + ".wasm");
      }
      module = in.readAllBytes();
    }
    HttpResponse<String> r = put("/api/v1/functions/" + name, "application/wasm", module);
    if (r.statusCode() != 200 && r.statusCode() != 201) {
      throw new AssertionError(
          "registering " + name + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  /** A counter or gauge of {@code /q/metrics}, without labels (the first series when labelled). */
  public long metric(String name) throws IOException, InterruptedException {
    return (long)
        Metrics.value(get("/q/metrics").body(), name)
            .orElseThrow(
                () ->
                    new AssertionError(
                        name + " is not among the metrics of the instance on " + port));
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * The packaged jar, re-augmented for PostgreSQL as a user would (README, "PostgreSQL"), in a copy
   * named quarkus-app, since the re-augmentation writes to {@code <jar dir>/../quarkus-app}.
   */
  public static synchronized Path postgresApp() throws IOException, InterruptedException {
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
    if (rebuild.waitFor() != 0) {
      throw new AssertionError(
          "re-augmentation for PostgreSQL failed; see target/it-postgresql/rebuild.log");
    }
    Files.createFile(copy.resolve(".reaugmented"));
    return copy;
  }

  /**
   * The PostgreSQL database of the integration profile ({@code -Dtaproot.it.jdbc-url}), for a test
   * that needs several processes on one database or a database it can stop.
   */
  public static String integrationPostgres(String test) {
    String url = System.getProperty("taproot.it.jdbc-url");
    if (url == null || !url.startsWith("jdbc:postgresql:")) {
      throw new AssertionError(
          test + " needs -Dtaproot.it.jdbc-url=jdbc:postgresql://… (the integration profile)");
    }
    return url;
  }

  /** Empties the PostgreSQL database, so that the service migrates it from scratch. */
  public static void resetPostgres(String jdbcUrl, String user) throws java.sql.SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
  }
}
