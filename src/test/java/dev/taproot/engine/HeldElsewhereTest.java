package dev.taproot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.LiveCounts;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a unit another instance holds shows: its holder's word and its newer checkpoints. */
class HeldElsewhereTest {
  /** The holder's last heartbeat: 10 items of step a. */
  private static final LiveCounts SAID =
      new LiveCounts(
          Map.of(
              "a", Map.of("pending", 5, "running", 2, "succeeded", 3, "failed", 0, "skipped", 0)));

  @Test
  void itemsThatEndedSinceTheHolderSpokeLeaveRunningFirstThenPending() {
    assertEquals(
        counts(3, 0, 6, 1),
        shown(Map.of(ExecutionStatus.SUCCEEDED, 6, ExecutionStatus.FAILED, 1)).get("a"),
        "4 ended since: the 2 running, then 2 of the 5 waiting; still 10 items");
  }

  @Test
  void checkpointsCountedBeforeTheHolderSpokeTakeNothingBack() {
    Map<String, Map<String, Integer>> shown = shown(Map.of(ExecutionStatus.SUCCEEDED, 1));
    assertEquals(counts(5, 2, 3, 0), shown.get("a"));
    assertEquals(counts(0, 0, 0, 0), shown.get("b"), "a step the holder said nothing of");
  }

  @Test
  void moreEndedThanTheHolderKnewOfNeverGoesBelowZero() {
    assertEquals(counts(0, 0, 20, 0), shown(Map.of(ExecutionStatus.SUCCEEDED, 20)).get("a"));
  }

  /** Steps a and b, the checkpoints holding {@code endedOfA} for a. */
  private static Map<String, Map<String, Integer>> shown(Map<ExecutionStatus, Integer> endedOfA) {
    return HeldElsewhere.counts(Map.of("a", endedOfA), SAID, Set.of("a", "b"));
  }

  private static Map<String, Integer> counts(int pending, int running, int succeeded, int failed) {
    return Map.of(
        "pending", pending,
        "running", running,
        "succeeded", succeeded,
        "failed", failed,
        "skipped", 0);
  }
}
