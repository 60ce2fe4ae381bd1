package dev.taproot.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs of {@link IncPipeline} on services started as separate JVMs, and what the PostgreSQL
 * database holds of them afterwards: for the tests that kill, freeze or stop a service or its
 * database mid-run and then check that nothing was lost and nothing doubled.
 */
public final class IncRuns {
  private static final Pattern RUN_ID = Pattern.compile("\"runId\":\"([^\"]+)\"");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String jdbcUrl;
  private final String user;
  private final String workflow;
  private final int items;

  /**
   * Runs of workflow {@code workflow} over {@code items} items, stored at {@code jdbcUrl} (read as
   * {@code user}; an H2 file only once the service that holds it stopped).
   */
  public IncRuns(String jdbcUrl, String user, String workflow, int items) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.workflow = workflow;
    this.items = items;
  }

  /** Registers {@code inc} and the workflow on {@code s}. */
  public void prepare(ServiceProcess s) throws Exception {
    s.register("inc");
    HttpResponse<String> r =
        s.post("/api/v1/workflows", "application/yaml", IncPipeline.yaml(workflow));
    assertEquals(201, r.statusCode(), r.body());
  }

  /** Starts a run on {@code s}; its id. */
  public String start(ServiceProcess s) throws Exception {
    HttpResponse<String> r =
        s.post(
            "/api/v1/workflows/" + workflow + "/runs",
            "application/json",
            IncPipeline.input(items));
    assertEquals(202, r.statusCode(), r.body());
    Matcher m = RUN_ID.matcher(r.body());
    assertTrue(m.find(), r.body());
    return m.group(1);
  }

  public static JsonNode view(ServiceProcess s, String runId) throws Exception {
    return JSON.readTree(s.get("/api/v1/runs/" + runId).body());
  }

  public static void awaitFinished(ServiceProcess s, String runId, Duration timeout)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (System.currentTimeMillis() < deadline) {
      if (!"running".equals(view(s, runId).path("status").asText())) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("run " + runId + " did not finish in " + timeout);
  }

  /** The run's status as the database has it. */
  public String status(String runId) throws Exception {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT status FROM run WHERE id = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : "missing";
      }
    }
  }

  public void assertExactlyOneSuccessPerItem(String runId) throws Exception {
    for (String step : List.of("a", "b", "total")) {
      int expected = step.equals("total") ? 1 : items;
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
  public void assertOutputsAreThoseOfInc(String runId) throws Exception {
    Map<String, String> outputs = outputs(runId);
    for (int i = 0; i < items; i++) {
      assertEquals("{\"n\":" + (i + 2) + "}", outputs.get("b/" + i), "output of b, item " + i);
    }
    assertEquals("{\"n\":" + (items + 1) + "}", outputs.get("total/0"));
  }

  /** The output of every succeeded execution, by {@code step/item}. */
  public Map<String, String> outputs(String runId) throws Exception {
    Map<String, String> out = new HashMap<>();
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                // small outputs are kept in the execution row, larger ones in the payload table
                "SELECT e.step_id, e.item_key, COALESCE(e.output_bytes, p.bytes) FROM execution e"
                    + " LEFT JOIN payload p ON p.digest = e.output_digest WHERE e.run_id = ?"
                    + " AND e.status = 'succeeded'")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(
              rs.getString(1) + "/" + rs.getString(2),
              new String(rs.getBytes(3), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

  /** A count the query gives for the run (its one parameter). */
  public int scalar(String sql, String runId) throws Exception {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private Connection connect() throws Exception {
    return DriverManager.getConnection(jdbcUrl, user, "");
  }
}
