package dev.taproot.engine;

import dev.taproot.cache.LruMap;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.Lease;
import dev.taproot.checkpoint.RecordedAttempt;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the partitions this instance finished recorded, taken from memory when each was done: when
 * the same instance then claims the run's coordinator and holds the summary of every partition, it
 * counts their items from these instead of a grouped pass over every checkpoint of the run (which
 * took over half a second for 60,000 checkpoints on H2 and grows with the run, all before the run
 * can end). Partitions finished elsewhere, or before a restart, leave the database pass to do.
 */
final class PartitionSummaries {
  private static final int RUNS = 64;

  /** By run and generation, then by partition. */
  private final Map<String, Map<Integer, RecordedRun.Summary>> byRun = new LruMap<>(RUNS);

  /** A partition is done; {@code summary} is null when it was too big to keep. */
  synchronized void done(Lease partition, RecordedRun.Summary summary) {
    String key = key(partition.runId(), partition.generation());
    if (summary == null) {
      // One partition missing makes the merge impossible: keep none of them.
      byRun.put(key, null);
      return;
    }
    if (byRun.containsKey(key) && byRun.get(key) == null) {
      return;
    }
    byRun.computeIfAbsent(key, k -> new HashMap<>()).put(partition.unit(), summary);
  }

  /** What one partition recorded, when it was done here and is still remembered. */
  synchronized Optional<RecordedRun.Summary> of(String runId, int generation, int unit) {
    Map<Integer, RecordedRun.Summary> known = byRun.get(key(runId, generation));
    return known == null ? Optional.empty() : Optional.ofNullable(known.get(unit));
  }

  /** Forgets every run, as a restart does. */
  synchronized void forgetAll() {
    byRun.clear();
  }

  /** Everything recorded for a run is to be read again (a new generation, or it ended). */
  synchronized void forget(String runId) {
    byRun.keySet().removeIf(k -> k.startsWith(runId + "#"));
  }

  /**
   * The summaries of partitions 1 to {@code partitions} merged, when this instance has them all.
   */
  synchronized Optional<RecordedRun.Summary> merged(String runId, int generation, int partitions) {
    Map<Integer, RecordedRun.Summary> known = byRun.get(key(runId, generation));
    if (known == null || partitions < 1) {
      return Optional.empty();
    }
    for (int unit = 1; unit <= partitions; unit++) {
      if (!known.containsKey(unit)) {
        return Optional.empty();
      }
    }
    Map<String, RecordedRun.Tally> tallies = new HashMap<>();
    Map<String, List<RecordedAttempt>> failed = new LinkedHashMap<>();
    Map<ItemRef, Integer> retried = new HashMap<>();
    for (RecordedRun.Summary s : known.values()) {
      s.tallies().forEach((step, t) -> tallies.merge(step, t, RecordedRun.Tally::plus));
      s.failedOrBlocked()
          .forEach(
              (step, rows) -> failed.computeIfAbsent(step, k -> new ArrayList<>()).addAll(rows));
      retried.putAll(s.retried());
    }
    failed.values().forEach(l -> l.sort(Comparator.comparingLong(RecordedAttempt::order)));
    return Optional.of(new RecordedRun.Summary(tallies, failed, retried));
  }

  private static String key(String runId, int generation) {
    return runId + "#" + generation;
  }
}
