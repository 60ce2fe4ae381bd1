package dev.taproot.engine;

import dev.taproot.cache.LruMap;
import dev.taproot.checkpoint.ExecutionStatus;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Counts of ended items read from the checkpoints, kept by run, generation and part of the run. A
 * settled part (a done partition) cannot change within its generation and is kept until the run is
 * redriven or forgotten; any other is reused for ten times what it cost and at least {@link
 * #FRESH_NANOS}, so that a client polling a big run every few milliseconds costs at most about a
 * tenth of a core.
 */
final class StoredCounts {
  private static final long FRESH_NANOS = 1_000_000_000L;
  private static final int RUNS = 256;

  /**
   * A part of a run counted as one: a partition, consecutive partitions, or the coordinator's steps
   * (unit 0). Parts of the same name are the same part.
   */
  record Part(String name, int firstUnit, int lastUnit) {
    static Part unit(String name, int unit) {
      return new Part(name, unit, unit);
    }

    boolean overlaps(Part o) {
      return firstUnit <= o.lastUnit && o.firstUnit <= lastUnit;
    }
  }

  /** Counts by step and status. */
  record Counts(Map<String, Map<ExecutionStatus, Integer>> byStep) {}

  /** Counts taken from a query that started at {@code started}. */
  private record Kept(Counts counts, boolean settled, long started, long until) {
    boolean usable(long now) {
      return settled || now - until < 0;
    }
  }

  private record RunParts(int generation, Map<Part, Kept> parts) {}

  private final Map<String, RunParts> byRun = Collections.synchronizedMap(new LruMap<>(RUNS));

  /**
   * The counts of {@code part} of a run's {@code generation}, counted by {@code count} unless kept
   * from an earlier call.
   */
  Counts of(
      String runId,
      int generation,
      Part part,
      boolean settled,
      Supplier<Map<String, Map<ExecutionStatus, Integer>>> count) {
    RunParts run =
        byRun.compute(
            runId,
            (id, known) ->
                known != null && known.generation() == generation
                    ? known
                    : new RunParts(generation, new ConcurrentHashMap<>()));
    long now = System.nanoTime();
    Kept kept = run.parts().get(part);
    if (kept != null && kept.usable(now)) {
      return kept.counts();
    }
    Counts counts = new Counts(count.get());
    long took = System.nanoTime() - now;
    Kept fresh = new Kept(counts, settled, now, now + Math.max(FRESH_NANOS, 10 * took));
    // A span of partitions is split when one of them is claimed here and joined again when it
    // is lost: counts kept for the old span would take back what was shown since.
    run.parts()
        .entrySet()
        .removeIf(
            e ->
                !e.getKey().equals(part)
                    && (!e.getValue().usable(now)
                        || !e.getValue().settled() && e.getKey().overlaps(part)));
    // Two requests may count the same part at once: the later query's counts stay.
    run.parts().merge(part, fresh, (old, mine) -> old.started() - mine.started() > 0 ? old : mine);
    return counts;
  }

  void forget() {
    byRun.clear();
  }

  void forget(String runId) {
    byRun.remove(runId);
  }
}
