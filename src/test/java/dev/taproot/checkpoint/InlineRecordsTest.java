package dev.taproot.checkpoint;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A record of an x-ndjson upload of up to 4 KiB is kept in its {@code run_record} row instead of
 * the payload table, and every reader finds it there: the steps that run over the records, a step
 * that takes all of them at once, the item API and lineage with values; on H2 and on PostgreSQL
 * (the integration profile runs this class again). A larger record still goes to the payload table.
 */
@QuarkusTest
class InlineRecordsTest {
  private static final String BIG = "x".repeat(ExecutionStore.INLINE_MAX_BYTES + 100);

  @Inject AgroalDataSource dataSource;

  @Test
  void smallRecordsStayInTheirRowsAndEveryReaderFindsThem() throws Exception {
    String echo = Api.register("echo", Api.testModule("echo"));
    // inc's output differs from its input, so neither can stand in for the other when read back
    String inc = Api.register("inc", Api.testModule("inc"));
    String wf = Api.unique("inline-records");
    Api.submit(
        """
        name: %s
        functions:
          echo: { ref: %s }
          inc: { ref: %s }
        steps:
          each: { function: inc, forEach: "${{ input.records }}", input: "${{ item }}" }
          all: { function: echo, input: "${{ input.records }}" }
        """
            .formatted(wf, echo, inc));
    // values no other test uses: a record the payload table held already is still kept in its row
    String id = UUID.randomUUID().toString();
    String run =
        Api.startNdjson(
            wf,
            ("{\"n\": 0, \"id\": \"%1$s\"}\n"
                    + "{\"n\": 1, \"s\": \"ünïcødé \\u0000 %1$s\"}\n"
                    + "{\"n\": 2, \"pad\": \"%2$s\"}\n"
                    + "{\"n\": 3, \"id\": \"%1$s\"}\n")
                .formatted(id, BIG));
    assertEquals("succeeded", Api.awaitFinished(run).getString("status"));

    for (int key : List.of(0, 1, 3)) {
      Row row = record(run, key);
      assertNotNull(row.bytes, "record " + key + " is kept in its row");
      assertFalse(inPayloadTable(row.digest), "and not in the payload table");
    }
    Row big = record(run, 2);
    assertNull(big.bytes, "a record over 4 KiB is not kept in its row");
    assertTrue(inPayloadTable(big.digest), "it is in the payload table");

    for (int key = 0; key < 4; key++) {
      Checkpointed row = checkpoint(run, "each", key);
      assertEquals(key, row.inputRecord, "each/" + key + " names the record its input is");
      assertNull(row.inputBytes, "and does not keep the record's bytes again");
      assertEquals(record(run, key).digest, row.inputDigest);
    }

    JsonPath one = Api.item(run, "each", "1");
    assertEquals("ünïcødé \u0000 " + id, one.getString("input.s"), "the step got the record");
    assertEquals(2, one.getInt("output.n"));
    assertEquals(BIG, Api.item(run, "each", "2").getString("input.pad"));
    List<Map<String, Object>> all = Api.item(run, "all", "0").getList("output");
    assertEquals(4, all.size(), "the step over all records saw each of them");
    for (int n = 0; n < 4; n++) {
      assertEquals(n, all.get(n).get("n"), "in their order");
    }
    assertEquals(BIG, all.get(2).get("pad"));
    assertEquals(id, all.get(3).get("id"));

    JsonPath replay =
        given()
            .contentType("application/json")
            .body("{}")
            .when()
            .post("/api/v1/runs/" + run + "/steps/each/items/1/replay")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("succeeded", replay.getString("status"), replay.prettify());
    assertTrue(replay.getBoolean("identical"), "replayed on the record it was given");

    for (String key : List.of("1", "2")) {
      JsonPath graph =
          given()
              .get(
                  "/api/v1/runs/"
                      + run
                      + "/steps/each/items/"
                      + key
                      + "/lineage?direction=upstream")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      Map<String, Object> recordNode = graph.getMap("nodes.find { it.kind == 'record' }");
      assertNotNull(recordNode, "lineage ends at the record: " + graph.prettify());
      assertEquals(key, recordNode.get("key"));
      @SuppressWarnings("unchecked")
      Map<String, Object> value = (Map<String, Object>) recordNode.get("output");
      assertNotNull(value, "with the record's value: " + graph.prettify());
      assertEquals(Integer.parseInt(key), value.get("n"));
    }
  }

  private record Row(String digest, byte[] bytes) {}

  private record Checkpointed(String inputDigest, byte[] inputBytes, Integer inputRecord) {}

  private Checkpointed checkpoint(String run, String step, int key) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT input_digest, input_bytes, input_record FROM execution WHERE run_id = ?"
                    + " AND step_id = ? AND item_key = ? AND attempt = 1")) {
      ps.setString(1, run);
      ps.setString(2, step);
      ps.setString(3, Integer.toString(key));
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), step + "/" + key + " of run " + run);
        int record = rs.getInt(3);
        Integer named = rs.wasNull() ? null : record;
        return new Checkpointed(rs.getString(1), rs.getBytes(2), named);
      }
    }
  }

  private Row record(String run, int key) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT payload_digest, record_bytes FROM run_record WHERE run_id = ?"
                    + " AND record_key = ?")) {
      ps.setString(1, run);
      ps.setInt(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "record " + key + " of run " + run);
        return new Row(rs.getString(1), rs.getBytes(2));
      }
    }
  }

  private boolean inPayloadTable(String digest) throws SQLException {
    return PayloadTable.holds(dataSource, digest);
  }
}
