package dev.taproot.engine;

import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.LiveCounts;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The counts of a unit another instance holds. Its checkpoints tell which items ended and may be
 * newer than what its holder said at its last heartbeat; only the holder knows which items wait and
 * which run. So each ended count is the larger of the two, and the items that ended since the
 * holder spoke are taken from those it said were running, then from those waiting: the unit's items
 * add up to what the holder said, and no ended count is below what the checkpoints hold.
 */
final class HeldElsewhere {
  private HeldElsewhere() {}

  static Map<String, Map<String, Integer>> counts(
      Map<String, Map<ExecutionStatus, Integer>> ended, LiveCounts said, Set<String> steps) {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    for (String step : steps) {
      Map<String, Integer> told = said.steps().getOrDefault(step, Map.of());
      Map<ExecutionStatus, Integer> checkpointed = ended.getOrDefault(step, Map.of());
      Map<String, Integer> counts = new LinkedHashMap<>();
      int endedSince = 0;
      for (ExecutionStatus status : ExecutionStatus.values()) {
        int before = told.getOrDefault(status.id(), 0);
        int now = Math.max(before, checkpointed.getOrDefault(status, 0));
        counts.put(status.id(), now);
        endedSince += now - before;
      }
      int running = told.getOrDefault(ItemStatus.RUNNING.id(), 0);
      int fromRunning = Math.min(endedSince, running);
      counts.put(ItemStatus.RUNNING.id(), running - fromRunning);
      int pending = told.getOrDefault(ItemStatus.PENDING.id(), 0);
      counts.put(ItemStatus.PENDING.id(), Math.max(0, pending - (endedSince - fromRunning)));
      out.put(step, counts);
    }
    return out;
  }
}
