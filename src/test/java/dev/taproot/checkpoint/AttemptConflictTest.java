package dev.taproot.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The conflict rule of checkpoint rows, the same on H2 and PostgreSQL (this class runs on both):
 * the first committed attempt stays, a second checkpoint of the same attempt is refused as a
 * conflict and reported to the writer's listeners, and the rest of its batch still commits.
 */
@QuarkusTest
class AttemptConflictTest {
  @Inject CheckpointWriter writer;
  @Inject ExecutionStore store;

  private final List<AttemptRef> conflicts = new CopyOnWriteArrayList<>();

  @Test
  void theFirstCommittedAttemptWinsAndTheSecondIsAConflict() throws InterruptedException {
    String run = Api.finishedRun("conflict");
    writer.addListener(
        new CheckpointWriter.Listener() {
          @Override
          public void committed(List<ExecutionRecord> executions, List<RunUpdate> runs) {}

          @Override
          public void conflicted(List<AttemptConflictException> found) {
            found.forEach(c -> conflicts.add(c.attempt()));
          }
        });
    AttemptRef attempt = new AttemptRef(run, new ItemRef("extra", "k"), 7);
    Payload first = Payload.of(JsonNodeFactory.instance.numberNode(1));
    Payload second = Payload.of(JsonNodeFactory.instance.numberNode(2));

    writer.submit(succeeded(attempt, first));
    assertTrue(writer.awaitIdle(10_000));
    AttemptRef other = new AttemptRef(run, new ItemRef("extra", "other"), 1);
    writer.submit(succeeded(attempt, second));
    writer.submit(failed(other));
    assertTrue(writer.awaitIdle(10_000));

    List<Checkpoint> stored = store.attempts(run, attempt.item());
    assertEquals(1, stored.size());
    assertEquals(first.digest(), stored.get(0).outcome().outputDigest(), "the first one stays");
    assertEquals(List.of(attempt), conflicts, "the second one is reported as a conflict");
    Checkpoint rest = store.attempts(run, other.item()).get(0);
    assertInstanceOf(Outcome.Failed.class, rest.outcome(), "the rest of the batch commits");
    assertEquals(FailureCode.TRAP, rest.outcome().code());
  }

  private static ExecutionRecord succeeded(AttemptRef attempt, Payload output) {
    return new ExecutionRecord(
        Leases.coordinator(attempt.runId()),
        row(attempt, new Outcome.Succeeded(output.digest())),
        "conflict",
        null,
        output,
        List.of());
  }

  private static ExecutionRecord failed(AttemptRef attempt) {
    return ExecutionRecord.withoutCall(
        Leases.coordinator(attempt.runId()),
        row(attempt, new Outcome.Failed(FailureCode.TRAP, "unreachable")),
        "conflict",
        List.of());
  }

  private static Checkpoint row(AttemptRef attempt, Outcome outcome) {
    return new Checkpoint(
        attempt,
        0,
        new FunctionUsed("echo@1", "sha256:x"),
        null,
        outcome,
        new Guest(42, null),
        Timing.instant(Instant.now().truncatedTo(ChronoUnit.MICROS)),
        new SpanRef(null, null));
  }
}
