package dev.taproot.engine;

import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.definition.WorkflowCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Counts per step (pending, running, succeeded, failed, skipped) in definition order: from the
 * engine while the run's coordinator is live here, from the checkpoints otherwise (plus what the
 * run's partitions live here have pending or running).
 */
@ApplicationScoped
public class RunProgress {

  private final Engine engine;
  private final ExecutionStore checkpoints;
  private final WorkflowCatalog catalog;

  /**
   * The last grouped pass over each run's checkpoints. That pass reads every checkpoint of the run,
   * so a client polling a big partitioned run every few milliseconds would keep a core busy with it
   * (a fifth of the service's CPU in a 20,000-item benchmark); each count is reused for ten times
   * what it cost and at least {@link #FRESH_NANOS}, so counting takes at most about a tenth of a
   * core per run however often it is asked.
   */
  private final ConcurrentMap<String, Counted> counted = new ConcurrentHashMap<>();

  private static final long FRESH_NANOS = 1_000_000_000L;
  private static final int KEPT = 256;

  private record Counted(
      int generation,
      RunStatus status,
      Map<String, Map<ExecutionStatus, Integer>> counts,
      long until) {}

  RunProgress(Engine engine, ExecutionStore checkpoints, WorkflowCatalog catalog) {
    this.engine = engine;
    this.checkpoints = checkpoints;
    this.catalog = catalog;
  }

  public Map<String, Map<String, Integer>> of(StoredRun run) {
    return engine
        .progress(run.id())
        .or(
            () ->
                run.status() == RunStatus.SUCCEEDED || run.status() == RunStatus.FAILED
                    ? remembered(run)
                    : Optional.empty())
        .orElseGet(() -> stored(run));
  }

  /**
   * The counts a run that finished in this service left in its summary: the grouped pass over the
   * checkpoints costs seconds on a 100,000-item run (the web UI shows counts on every page).
   */
  private Optional<Map<String, Map<String, Integer>>> remembered(StoredRun run) {
    return engine
        .finishedSummary(run.id(), run.generation())
        .map(
            summary -> {
              Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
              for (String step :
                  catalog.definition(run.workflow(), run.version()).steps().keySet()) {
                RecordedRun.Tally t = summary.tallies().getOrDefault(step, RecordedRun.Tally.NONE);
                Map<String, Integer> counts = new LinkedHashMap<>();
                counts.put(ItemStatus.PENDING.id(), 0);
                counts.put(ItemStatus.RUNNING.id(), 0);
                counts.put(ItemStatus.SUCCEEDED.id(), t.succeeded());
                counts.put(ItemStatus.FAILED.id(), t.failed());
                counts.put(ItemStatus.SKIPPED.id(), t.skipped());
                out.put(step, counts);
              }
              return out;
            });
  }

  private static ExecutionStatus stored(ItemStatus status) {
    return ExecutionStatus.valueOf(status.name());
  }

  private Map<String, Map<String, Integer>> stored(StoredRun run) {
    Map<String, Map<ExecutionStatus, Integer>> terminal = counted(run);
    Map<String, Map<String, Integer>> live = engine.partitionProgress(run.id());
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    for (String step : catalog.definition(run.workflow(), run.version()).steps().keySet()) {
      Map<ExecutionStatus, Integer> stored = terminal.getOrDefault(step, Map.of());
      Map<String, Integer> here = live.getOrDefault(step, Map.of());
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (ItemStatus status : ItemStatus.values()) {
        counts.put(
            status.id(),
            status.terminal()
                ? stored.getOrDefault(stored(status), 0)
                : here.getOrDefault(status.id(), 0));
      }
      out.put(step, counts);
    }
    return out;
  }

  private Map<String, Map<ExecutionStatus, Integer>> counted(StoredRun run) {
    long now = System.nanoTime();
    Counted last = counted.get(run.id());
    if (last != null
        && last.generation() == run.generation()
        && last.status() == run.status()
        && now - last.until() < 0) {
      return last.counts();
    }
    Map<String, Map<ExecutionStatus, Integer>> counts = checkpoints.progress(run.id());
    long took = System.nanoTime() - now;
    if (counted.size() >= KEPT) {
      counted.values().removeIf(c -> now - c.until() >= 0);
    }
    counted.put(
        run.id(),
        new Counted(
            run.generation(), run.status(), counts, now + Math.max(FRESH_NANOS, 10 * took)));
    return counts;
  }
}
