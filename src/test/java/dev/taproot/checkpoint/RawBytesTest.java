package dev.taproot.checkpoint;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.function.GuestText;
import dev.taproot.support.Api;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bytes as a guest wrote them (issue 11): stderr with invalid UTF-8, ESC and NUL, and JSON output
 * with {@code \u0000} in a string, are stored exactly (on H2 and, in the integration profile, on
 * PostgreSQL), shown readably by the API, and a replay compares the exact bytes; another run goes
 * on meanwhile.
 */
@QuarkusTest
class RawBytesTest {
  private static final byte[] STDERR = {
    'a',
    (byte) 0xFF,
    'b',
    (byte) 0xC3,
    'c',
    (byte) 0xC0,
    (byte) 0xAF,
    'd',
    0x1B,
    '[',
    '3',
    '1',
    'm',
    'e',
    0,
    'f',
    (byte) 0xC3,
    (byte) 0xA9,
    '\n'
  };

  @Inject AgroalDataSource dataSource;

  @Test
  void rawBytesAreStoredExactlyShownReadablyAndReplayedIdentically() throws SQLException {
    String raw = Api.register("rawbytes", Api.testModule("rawbytes"));
    String wf = Api.unique("raw");
    Api.submit(
        """
        name: %s
        functions:
          raw: { ref: %s }
        steps:
          speak: { function: raw, forEach: "${{ input.records }}" }
        """
            .formatted(wf, raw));
    String other = Api.incOverRecords("other");
    StringBuilder records = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      records.append("{\"n\": ").append(i).append("}\n");
    }
    String run = Api.startNdjson(wf, records.toString());
    String meanwhile = Api.startNdjson(other, records.toString());
    assertEquals("succeeded", Api.awaitFinished(run, Duration.ofSeconds(60)).getString("status"));
    assertEquals(
        "succeeded", Api.awaitFinished(meanwhile, Duration.ofSeconds(60)).getString("status"));

    JsonPath item = Api.item(run, "speak", "7");
    assertEquals("a\\xFFb\\xC3c\\xC0\\xAFd\u001b[31me\u0000fé\n", item.getString("logs"));
    assertEquals("a\u0000b", item.getString("output.s"), "\\u0000 in a JSON string survives");
    assertEquals("\u001b[31m", item.getString("output.t"));

    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT logs FROM execution WHERE run_id = ? AND step_id = 'speak'"
                    + " AND item_key = '7'")) {
      ps.setString(1, run);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        assertArrayEquals(STDERR, GuestText.bytes(StoredText.decode(rs.getString(1))));
      }
    }

    JsonPath replay =
        given()
            .contentType("application/json")
            .body("{}")
            .when()
            .post("/api/v1/runs/" + run + "/steps/speak/items/7/replay")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertTrue(replay.getBoolean("identical"), replay.prettify());
    assertEquals(item.getString("logs"), replay.getString("logs"));
  }
}
