package dev.taproot.engine;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A run that finishes leaves a summary in memory so that a redrive need not scan its checkpoints;
 * it must say exactly what the database says, after a run and after a redrive.
 */
@QuarkusTest
class FinishedSummaryTest {
  @Inject Engine engine;
  @Inject ExecutionStore store;
  @Inject dev.taproot.checkpoint.RunStore runs;

  @Test
  void theSummaryOfAFinishedRunIsWhatTheDatabaseHolds() {
    String failIf = Api.register("fail-if", Api.testModule("fail-if"));
    String inc = Api.register("inc", Api.testModule("inc"));
    String wf = Api.unique("summary");
    Api.submit(
        """
        name: %s
        functions:
          check: { ref: %s }
          inc: { ref: %s }
        steps:
          check:
            function: check
            forEach: ${{ input.items }}
            input: ${{ item }}
            retry: { maxAttempts: 2, backoff: 10ms }
          next:
            function: inc
            forEach: ${{ steps.check.items }}
            input:
              n: ${{ item.output.n }}
          total:
            function: inc
            input:
              n: ${{ steps.next.items.size() }}
        """
            .formatted(wf, failIf, inc));
    String run = Api.start(wf, Api.numberedItems(50, Set.of(4, 17, 33)));
    assertEquals("failed", Api.awaitFinished(run).getString("status"));
    RecordedRun.Summary first = summaryOf(run);
    assertEquals(List.of("4#2 failed", "17#2 failed", "33#2 failed"), rows(first).get("check"));
    assertSameAsDatabase(run, first);

    Api.redrive(run, "{\"items\": [\"7\"], \"from\": \"next\"}").statusCode(202);
    assertEquals("failed", Api.awaitFinished(run).getString("status"));
    RecordedRun.Summary second = summaryOf(run);
    assertEquals(2, second.retried().get(new ItemRef("next", "7")));
    assertSameAsDatabase(run, second);
  }

  private RecordedRun.Summary summaryOf(String run) {
    int generation = runs.find(run).orElseThrow().generation();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> engine.finishedSummary(run, generation).isPresent());
    return engine.finishedSummary(run, generation).orElseThrow();
  }

  private void assertSameAsDatabase(String run, RecordedRun.Summary memory) {
    RecordedRun database = new RecordedRun(run, store);
    for (String step : List.of("check", "next", "total")) {
      assertEquals(
          database.tallies().getOrDefault(step, RecordedRun.Tally.NONE),
          memory.tallies().getOrDefault(step, RecordedRun.Tally.NONE),
          "counts of step " + step);
    }
    assertEquals(rows(database.failedOrBlocked()), rows(memory));
    assertEquals(
        new TreeMap<>(byText(database.retried())), new TreeMap<>(byText(memory.retried())));
  }

  private static Map<String, Integer> byText(Map<ItemRef, Integer> retried) {
    Map<String, Integer> out = new TreeMap<>();
    retried.forEach((item, attempt) -> out.put(item.toString(), attempt));
    return out;
  }

  private static Map<String, List<String>> rows(RecordedRun.Summary s) {
    return rows(s.failedOrBlocked());
  }

  private static Map<String, List<String>> rows(Map<String, List<RecordedAttempt>> byStep) {
    Map<String, List<String>> out = new TreeMap<>();
    byStep.forEach(
        (step, rows) ->
            out.put(
                step,
                rows.stream()
                    .map(r -> r.key() + "#" + r.attempt() + " " + r.outcome().status().id())
                    .toList()));
    return out;
  }
}
