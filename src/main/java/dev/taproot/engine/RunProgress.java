package dev.taproot.engine;

import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.definition.WorkflowCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

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
    return engine.progress(run.id()).orElseGet(() -> stored(run));
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
