package dev.taproot.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A guest that writes NUL to stderr (any C program printing a binary buffer does) fails only its
 * own execution: its checkpoint is stored with the bytes as they were, on H2 and on PostgreSQL
 * (whose text type refuses NUL; this class runs in the integration profile too), and the service
 * goes on.
 */
@QuarkusTest
class HostileBytesTest {
  private static final String STDERR = "bad\u0000byte\u0001end\u0000\n";

  @Test
  void nulBytesFromAGuestAreStoredFaithfullyAndNothingFreezes() {
    String nul = Api.register("nulbytes", Api.testModule("nulbytes"));
    String echo = Api.register("echo", Api.testModule("echo"));
    String wf = Api.unique("hostile");
    Api.submit(
        """
        name: %s
        functions:
          nul: { ref: %s }
          echo: { ref: %s }
        steps:
          speak:
            function: nul
          fine:
            function: echo
            input: { ok: true }
        """
            .formatted(wf, nul, echo));
    String run = Api.start(wf, "{}");
    assertEquals("failed", Api.awaitFinished(run, Duration.ofSeconds(30)).getString("status"));

    JsonPath item = Api.item(run, "speak", "0");
    assertEquals("EXIT", item.getString("error.code"));
    assertEquals(STDERR, item.getString("logs"), "the logs come back byte for byte");
    assertTrue(
        item.getString("error.message").contains("bad\u0000byte"), item.getString("error.message"));
    assertEquals("succeeded", Api.item(run, "fine", "0").getString("status"));

    String next = Api.start(wf, "{}");
    assertEquals(
        "failed",
        Api.awaitFinished(next, Duration.ofSeconds(30)).getString("status"),
        "the next run is checkpointed too: the writer did not stall");
  }

  @Test
  void storedTextRoundTripsWhateverItHolds() {
    for (String text :
        new String[] {
          null, "", "plain", "nul\u0000inside", StoredText.MARK + "looks encoded", "\u0000"
        }) {
      assertEquals(text, StoredText.decode(StoredText.encode(text)));
    }
    assertEquals("plain", StoredText.encode("plain"), "ordinary text stays readable in SQL");
  }
}
