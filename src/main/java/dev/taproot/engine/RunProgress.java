package dev.taproot.engine;

import dev.taproot.checkpoint.CheckpointQueries;
import dev.taproot.checkpoint.RunEntity;
import dev.taproot.definition.WorkflowCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts per step (pending, running, succeeded, failed, skipped) in definition order: from the
 * engine while the run is live here, from the checkpoints otherwise.
 */
@ApplicationScoped
public class RunProgress {
  private static final List<String> STATUSES =
      List.of("pending", "running", "succeeded", "failed", "skipped");

  private final Engine engine;
  private final CheckpointQueries checkpoints;
  private final WorkflowCatalog catalog;

  RunProgress(Engine engine, CheckpointQueries checkpoints, WorkflowCatalog catalog) {
    this.engine = engine;
    this.checkpoints = checkpoints;
    this.catalog = catalog;
  }

  public Map<String, Map<String, Integer>> of(RunEntity run) {
    return engine.progress(run.id).orElseGet(() -> stored(run));
  }

  private Map<String, Map<String, Integer>> stored(RunEntity run) {
    Map<String, Map<String, Integer>> counted = checkpoints.progress(run.id);
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    for (String step : catalog.definition(run.workflow, run.workflowVersion).steps().keySet()) {
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (String status : STATUSES) {
        counts.put(status, counted.getOrDefault(step, Map.of()).getOrDefault(status, 0));
      }
      out.put(step, counts);
    }
    return out;
  }
}
