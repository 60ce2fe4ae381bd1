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

/**
 * Counts per step (pending, running, succeeded, failed, skipped) in definition order: from the
 * engine while the run is live here, from the checkpoints otherwise.
 */
@ApplicationScoped
public class RunProgress {

  private final Engine engine;
  private final ExecutionStore checkpoints;
  private final WorkflowCatalog catalog;

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
    Map<String, Map<ExecutionStatus, Integer>> counted = checkpoints.progress(run.id());
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    for (String step : catalog.definition(run.workflow(), run.version()).steps().keySet()) {
      Map<ExecutionStatus, Integer> stored = counted.getOrDefault(step, Map.of());
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (ItemStatus status : ItemStatus.values()) {
        counts.put(status.id(), status.terminal() ? stored.getOrDefault(stored(status), 0) : 0);
      }
      out.put(step, counts);
    }
    return out;
  }
}
