package dev.taproot.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.taproot.function.FailureCode;
import dev.taproot.support.Api;
import dev.taproot.support.Leases;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A row the database refuses (here a function ref longer than its column) fails only its own
 * execution: the rest of its batch commits, it is recorded as failed INTERNAL with the reason, and
 * the writer goes on. Runs on H2 and, in the integration profile, on PostgreSQL.
 */
@QuarkusTest
class RefusedRowTest {
  @Inject CheckpointWriter writer;
  @Inject ExecutionStore store;

  @Test
  void oneRefusedRowFailsOnlyItsExecution() throws InterruptedException {
    String run = Api.finishedRun("refused");

    ExecutionRecord good = record(run, "good", "echo@1");
    ExecutionRecord bad = record(run, "bad", "x".repeat(200) + "@1");
    ExecutionRecord alsoGood = record(run, "also-good", "echo@1");
    writer.submit(good);
    writer.submit(bad);
    writer.submit(alsoGood);
    assertTrue(writer.awaitIdle(20_000), "the writer does not stall on a refused row");

    for (String key : List.of("good", "also-good")) {
      Checkpoint stored = store.attempts(run, new ItemRef("extra", key)).get(0);
      assertEquals(ExecutionStatus.SUCCEEDED, stored.outcome().status(), key);
    }
    List<Checkpoint> refused = store.attempts(run, new ItemRef("extra", "bad"));
    assertEquals(1, refused.size());
    assertEquals(FailureCode.INTERNAL, refused.get(0).outcome().code());
    assertTrue(
        refused.get(0).outcome().message().startsWith("the database refused"),
        refused.get(0).outcome().message());

    writer.submit(record(run, "after", "echo@1"));
    assertTrue(writer.awaitIdle(10_000));
    assertEquals(1, store.attempts(run, new ItemRef("extra", "after")).size());
  }

  private static ExecutionRecord record(String run, String key, String functionRef) {
    Payload output = Payload.of(JsonNodeFactory.instance.textNode(key));
    Checkpoint row =
        new Checkpoint(
            new AttemptRef(run, new ItemRef("extra", key), 1),
            0,
            new FunctionUsed(functionRef, "sha256:x"),
            null,
            new Outcome.Succeeded(output.digest()),
            new Guest(7, null),
            Timing.instant(Instant.now().truncatedTo(ChronoUnit.MICROS)),
            new SpanRef(null, null));
    return new ExecutionRecord(Leases.coordinator(run), row, "refused", null, output, List.of());
  }
}
