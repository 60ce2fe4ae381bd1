package dev.taproot.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.taproot.support.Api;
import dev.taproot.support.Leases;
import dev.taproot.support.Sql;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint keeps an input or output of up to 4 KiB in its own row instead of the payload table,
 * and every reader finds it there: the item API, and a fan-in that reads its items' outputs back
 * from the database (a redrive of the fan-in alone), on H2 and on PostgreSQL (the integration
 * profile runs this class again). Larger values still go to the payload table, once per digest.
 */
@QuarkusTest
class InlineValuesTest {
  /** Over {@link ExecutionStore#INLINE_MAX_BYTES} once wrapped as the echo's input. */
  private static final String BIG = "x".repeat(ExecutionStore.INLINE_MAX_BYTES + 100);

  @Inject AgroalDataSource dataSource;
  @Inject CheckpointWriter writer;
  @Inject CheckpointValues values;

  @Test
  void smallValuesStayInTheirCheckpointsRowsAndEveryReaderFindsThem() throws Exception {
    String echo = Api.register("echo", Api.testModule("echo"));
    String wf = Api.unique("inline");
    Api.submit(
        """
        name: %s
        functions:
          echo: { ref: %s }
        steps:
          each: { function: echo, forEach: "${{ input.items }}", input: "${{ item }}" }
          all: { function: echo, input: "${{ steps.each.items }}" }
        """
            .formatted(wf, echo));
    // values no other test uses: one the payload table held already would rightly not be inlined
    String id = UUID.randomUUID().toString();
    String run =
        Api.start(
            wf,
            ("{\"items\": [{\"n\": 0, \"id\": \"%1$s\"}, {\"n\": 1, \"id\": \"%1$s\"},"
                    + " {\"n\": 2, \"pad\": \"%2$s\"}, {\"n\": 3, \"s\": \"ünïcødé \\u0000 %1$s\"}]}")
                .formatted(id, BIG));
    assertEquals("succeeded", Api.awaitFinished(run).getString("status"));
    assertTrue(writer.awaitIdle(10_000));

    for (String key : List.of("0", "1", "3")) {
      Row row = row(run, "each", key, 1);
      assertNotNull(row.outputBytes, "item " + key + "'s small output is kept in its row");
      assertFalse(inPayloadTable(row.outputDigest), "and not in the payload table");
    }
    Row big = row(run, "each", "2", 1);
    assertNull(big.outputBytes, "a value over 4 KiB is not kept in the row");
    assertTrue(inPayloadTable(big.outputDigest), "it is in the payload table");

    JsonPath small = Api.item(run, "each", "3");
    assertEquals(3, small.getInt("output.n"));
    assertEquals("ünïcødé \u0000 " + id, small.getString("output.s"));
    assertEquals(3, small.getInt("input.n"));
    assertEquals(BIG, Api.item(run, "each", "2").getString("output.pad"));
    JsonPath fanIn = Api.item(run, "all", "0");
    List<Map<String, Object>> seen = fanIn.getList("output");
    assertEquals(4, seen.size(), "the fan-in saw every item");
    String firstOutput = row(run, "all", "0", 1).outputDigest;

    // The fan-in alone again: its items are not rebuilt, so it reads their outputs from their rows
    Api.redrive(run, "{\"items\": [\"0\"], \"from\": \"all\"}").statusCode(202);
    assertEquals("succeeded", Api.awaitFinished(run, Duration.ofSeconds(60)).getString("status"));
    assertTrue(writer.awaitIdle(10_000));
    Row again = row(run, "all", "0", 2);
    assertEquals(
        firstOutput,
        again.outputDigest,
        "the redriven fan-in read every item's output back, byte for byte");
    assertEquals(1, attempts(run, "each", "1"), "the items themselves did not run again");
  }

  @Test
  void eachValueIsReadFromTheAttemptThatRecordedIt() throws InterruptedException {
    String run = Api.finishedRun("inline-attempts");
    ItemRef item = new ItemRef("extra", "k");
    AttemptRef first = new AttemptRef(run, item, 1);
    AttemptRef second = new AttemptRef(run, item, 2);
    AttemptRef third = new AttemptRef(run, item, 3);
    Payload one = Payload.of(JsonNodeFactory.instance.textNode("one " + UUID.randomUUID()));
    Payload two = Payload.of(JsonNodeFactory.instance.textNode("two " + UUID.randomUUID()));
    Payload big = Payload.of(JsonNodeFactory.instance.textNode(BIG + UUID.randomUUID()));
    writer.submit(succeeded(first, one));
    writer.submit(succeeded(second, two));
    writer.submit(succeeded(third, big));
    assertTrue(writer.awaitIdle(10_000));

    Map<String, JsonNode> read =
        values.read(
            List.of(
                ValueAt.outputOf(first, one.digest()),
                ValueAt.outputOf(second, two.digest()),
                ValueAt.outputOf(third, big.digest())));
    assertEquals(one.value(), read.get(one.digest()));
    assertEquals(two.value(), read.get(two.digest()));
    assertEquals(big.value(), read.get(big.digest()), "from the payload table");
    assertEquals(
        Map.of(),
        values.read(List.of(ValueAt.outputOf(first, two.digest()))),
        "another attempt's row never answers for a value it did not record");
  }

  /**
   * A checkpoint of {@code attempt} that succeeded with {@code output}, as the engine writes it.
   */
  static ExecutionRecord succeeded(AttemptRef attempt, Payload output) {
    return new ExecutionRecord(
        Leases.coordinator(attempt.runId()),
        new Checkpoint(
            attempt,
            0,
            new FunctionUsed("echo@1", "sha256:x"),
            null,
            new Outcome.Succeeded(output.digest()),
            new Guest(42, null),
            Timing.instant(Instant.now().truncatedTo(ChronoUnit.MICROS)),
            new SpanRef(null, null)),
        "inline-attempts",
        null,
        output,
        List.of());
  }

  private record Row(String outputDigest, byte[] outputBytes) {}

  private Row row(String run, String step, String key, int attempt) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT output_digest, output_bytes FROM execution WHERE run_id = ? AND step_id = ?"
                    + " AND item_key = ? AND attempt = ?")) {
      ps.setString(1, run);
      ps.setString(2, step);
      ps.setString(3, key);
      ps.setInt(4, attempt);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new Row(rs.getString(1), rs.getBytes(2)));
        }
      }
    }
    assertEquals(1, rows.size(), step + "/" + key + "#" + attempt);
    return rows.get(0);
  }

  private int attempts(String run, String step, String key) {
    return (int)
        Sql.scalar(
            dataSource,
            "SELECT COUNT(*) FROM execution WHERE run_id = ? AND step_id = ? AND item_key = ?",
            run,
            step,
            key);
  }

  private boolean inPayloadTable(String digest) throws SQLException {
    return PayloadTable.holds(dataSource, digest);
  }
}
