package dev.taproot.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.support.IncPipeline;
import dev.taproot.support.ItDatabase;
import dev.taproot.support.ServiceProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Restarts the packaged service with the bundled examples on, over a database where a user has
 * stored their own {@code orders} workflow and {@code sum-totals} function on top of the bundled
 * ones: the start-up must leave the user's versions the latest, and keep the examples whose names
 * the user did not touch.
 *
 * <p>Runs on H2 by default; the integration profile ({@code -Dtaproot.it.jdbc-url}) runs it on
 * PostgreSQL.
 */
class BundledContentIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<ServiceProcess> started = new ArrayList<>();
  private ItDatabase db;
  private ServiceProcess service;

  @AfterEach
  void stopAll() {
    started.forEach(s -> s.process.destroyForcibly());
  }

  @Test
  void aRestartNeverPutsABundledExampleOnTopOfAUsersWorkflowOrFunction() throws Exception {
    db = ItDatabase.fresh("taproot-bundled");
    start();
    assertEquals(List.of("1 bundled"), versions("workflows", "orders"));
    assertEquals(List.of("1 bundled"), versions("functions", "sum-totals"));
    assertEquals(List.of("1 bundled", "2 bundled"), versions("functions", "parse-order"));

    // The user's own sum-totals and orders, as new versions over the examples.
    service.register("inc");
    byte[] inc = Files.readAllBytes(Path.of("src/test/resources/wasm/inc.wasm"));
    HttpResponse<String> fn = service.put("/api/v1/functions/sum-totals", "application/wasm", inc);
    assertEquals(201, fn.statusCode(), fn.body());
    String usersOrders = IncPipeline.yaml("orders");
    HttpResponse<String> wf = service.post("/api/v1/workflows", "application/yaml", usersOrders);
    assertEquals(201, wf.statusCode(), wf.body());
    service.stop();

    // Functions stored before versions were marked: the shipped ones are known by their bytes.
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), "");
        Statement s = c.createStatement()) {
      s.execute("UPDATE function_version SET bundled = FALSE");
    }

    for (int restart = 1; restart <= 2; restart++) {
      start();
      assertEquals(List.of("1 bundled", "2 user's"), versions("workflows", "orders"));
      assertEquals(List.of("1 bundled", "2 user's"), versions("functions", "sum-totals"));
      assertEquals(List.of("1 bundled", "2 bundled"), versions("functions", "parse-order"));
      String latest =
          JSON.readTree(get("/api/v1/workflows/orders/versions/2")).get("yaml").asText();
      assertTrue(latest.contains("inc@1"), "orders@2 is still the user's: " + latest);
      String log = Files.readString(service.log);
      assertTrue(log.contains("bundled function sum-totals left out"), log);
      assertTrue(log.contains("bundled workflow orders left out"), log);
      service.stop();
    }
  }

  /** Each version of a function or workflow as "N bundled" or "N user's". */
  private List<String> versions(String kind, String name) throws Exception {
    List<String> out = new ArrayList<>();
    for (JsonNode v : JSON.readTree(get("/api/v1/" + kind + "/" + name)).get("versions")) {
      out.add(v.get("version").asInt() + (v.get("bundled").asBoolean() ? " bundled" : " user's"));
    }
    return out;
  }

  private String get(String path) throws Exception {
    HttpResponse<String> r = service.get(path);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return r.body();
  }

  private void start() throws Exception {
    service =
        db.start("service-" + started.size() + ".log", List.of("-Dtaproot.bundled.enabled=true"));
    started.add(service);
  }
}
