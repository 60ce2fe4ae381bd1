package dev.taproot.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a user gets from {@code ./mvnw package}: the packaged service with its bundled example, its
 * Swagger UI and workflow schema, driven by the shaded {@code target/taproot-cli.jar}.
 */
class PackagedToolsIT {
  private static final Path CLI = Path.of("target", "taproot-cli.jar");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Process service;
  private static Path dataDir;
  private static String server;

  @BeforeAll
  static void startTheService() throws Exception {
    dataDir = Files.createTempDirectory("taproot-tools");
    int port = freePort();
    server = "http://localhost:" + port;
    service =
        new ProcessBuilder(
                java(),
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.datasource.jdbc.url=jdbc:h2:file:"
                    + dataDir.resolve("db").toAbsolutePath()
                    + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;CACHE_SIZE=65536",
                "-jar",
                Path.of("target", "quarkus-app", "quarkus-run.jar").toString())
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolve("service.log").toFile())
            .start();
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      assertTrue(service.isAlive(), "the service exited: " + log());
      try {
        if (get("/q/health/ready").statusCode() == 200
            && get("/api/v1/workflows/orders").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new AssertionError("the service did not become ready in 90 s: " + log());
  }

  @AfterAll
  static void stop() throws InterruptedException {
    service.destroy();
    service.waitFor(30, TimeUnit.SECONDS);
  }

  @Test
  void theServiceServesSwaggerUiTheOpenApiDocumentAndTheWorkflowSchema() throws Exception {
    HttpResponse<String> ui = get("/q/swagger-ui/");
    assertEquals(200, ui.statusCode(), "Swagger UI is served in production");
    assertEquals(200, get("/q/openapi").statusCode());
    HttpResponse<String> schema = get("/api/v1/schemas/workflow.json");
    assertEquals(200, schema.statusCode());
    assertTrue(
        schema
            .headers()
            .firstValue("Content-Type")
            .orElse("")
            .startsWith("application/schema+json"));
    assertArrayEquals(
        Files.readAllBytes(Path.of("src/main/resources/schema/workflow.schema.json")),
        schema.body().getBytes(StandardCharsets.UTF_8),
        "the served schema is the committed one");
  }

  @Test
  void theCliJarRunsTheBundledExampleWithBarsAndExits1OnItsPlantedBadRecord() throws Exception {
    Result list = cli(false, "--server", server, "workflows", "list");
    assertEquals(0, list.exit(), list.text());
    assertTrue(list.text().contains("orders"), list.text());

    Result run =
        cli(
            true,
            "--server",
            server,
            "run",
            "orders",
            "--ndjson",
            "src/main/resources/examples/orders.ndjson");

    assertEquals(1, run.exit(), run.text());
    assertTrue(run.text().contains("\u001b[2K"), "bars on a terminal:\n" + run.text());
    Matcher failed =
        Pattern.compile("failed items: taproot items (\\S+) validate --failed").matcher(run.text());
    assertTrue(failed.find(), run.text());
    Result items =
        cli(
            false,
            "--server",
            server,
            "-o",
            "json",
            "items",
            failed.group(1),
            "validate",
            "--failed");
    assertEquals(0, items.exit(), items.text());
    assertTrue(
        items.text().contains("\"key\" : \"1041\""),
        "line 1042 is the bad record: " + items.text());
  }

  @Test
  void theCliJarSaysSoWhenNoServerAnswers() throws Exception {
    Result down = cli(false, "--server", "http://127.0.0.1:" + freePort(), "functions", "list");
    assertEquals(2, down.exit(), down.text());
    assertTrue(down.text().startsWith("taproot: cannot reach the Taproot server at"), down.text());
  }

  private record Result(int exit, String text) {}

  /** The shaded jar as a user runs it; in a pseudo-terminal (util-linux script) when asked. */
  private static Result cli(boolean terminal, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", CLI.toString()));
    command.addAll(List.of(args));
    if (terminal) {
      StringBuilder line = new StringBuilder();
      command.forEach(w -> line.append('\'').append(w.replace("'", "'\\''")).append("' "));
      command = List.of("script", "-qec", line.toString(), "/dev/null");
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), text);
    return new Result(p.exitValue(), text.replace("\r\n", "\n"));
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String log() {
    try {
      return Files.readString(dataDir.resolve("service.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
