package dev.taproot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.Lease;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.function.FailureCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the coordinator is told of partitions finished on this instance, and when it is not. */
class PartitionSummariesTest {
  private static final String RUN = "r";

  private static Lease partition(int unit, int generation) {
    return new Lease(RUN, unit, generation, 1, "me");
  }

  private static RecordedRun.Summary summary(int succeeded, long failedOrder, int retriedAttempt) {
    RecordedAttempt failed =
        new RecordedAttempt(
            new ItemRef("a", Long.toString(failedOrder)),
            1,
            failedOrder,
            new Outcome.Failed(FailureCode.EXIT, "exit 2"),
            null);
    return new RecordedRun.Summary(
        Map.of("a", new RecordedRun.Tally(succeeded, 1, 0, 1)),
        Map.of("a", List.of(failed)),
        Map.of(new ItemRef("a", "r" + failedOrder), retriedAttempt));
  }

  @Test
  void everyPartitionDoneHereMergesIntoOneSummaryInItemOrder() {
    PartitionSummaries s = new PartitionSummaries();
    s.done(partition(2, 1), summary(99, 150, 2));
    s.done(partition(1, 1), summary(98, 7, 3));
    RecordedRun.Summary merged = s.merged(RUN, 1, 2).orElseThrow();
    assertEquals(new RecordedRun.Tally(197, 2, 0, 2), merged.tallies().get("a"));
    assertEquals(
        List.of(7L, 150L),
        merged.failedOrBlocked().get("a").stream().map(RecordedAttempt::order).toList());
    assertEquals(2, merged.retried().size());
  }

  @Test
  void aPartitionDoneElsewhereLeavesTheCountingToTheDatabase() {
    PartitionSummaries s = new PartitionSummaries();
    s.done(partition(1, 1), summary(100, 1, 2));
    assertTrue(s.merged(RUN, 1, 2).isEmpty(), "partition 2 was done by another instance");
  }

  @Test
  void aPartitionTooBigToSummariseSpoilsTheMerge() {
    PartitionSummaries s = new PartitionSummaries();
    s.done(partition(1, 1), summary(100, 1, 2));
    s.done(partition(2, 1), null);
    s.done(partition(3, 1), summary(100, 1, 2));
    assertTrue(s.merged(RUN, 1, 3).isEmpty());
  }

  @Test
  void anotherGenerationOrAForgottenRunIsNotMerged() {
    PartitionSummaries s = new PartitionSummaries();
    s.done(partition(1, 1), summary(100, 1, 2));
    assertTrue(s.merged(RUN, 2, 1).isEmpty(), "a redrive started generation 2");
    s.forget(RUN);
    assertTrue(s.merged(RUN, 1, 1).isEmpty());
  }
}
