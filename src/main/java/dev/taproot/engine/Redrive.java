package dev.taproot.engine;

import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.RunEntity;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.function.FailureCode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The engine side of a redrive: what a finished run recorded, and starting it again. */
@ApplicationScoped
public class Redrive {
  private final RunLoader loader;
  private final Engine engine;

  Redrive(RunLoader loader, Engine engine) {
    this.loader = loader;
    this.engine = engine;
  }

  /** The latest attempt of every (step, item key) of a run. */
  public static final class State {
    private final Map<String, Map<String, RecordedExecution>> bySteps = new LinkedHashMap<>();

    State(Map<String, RecordedExecution> recorded) {
      for (RecordedExecution r : recorded.values()) {
        bySteps
            .computeIfAbsent(r.stepId(), k -> new TreeMap<>(State::byNumber))
            .put(r.itemKey(), r);
      }
    }

    private static int byNumber(String a, String b) {
      return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }

    public List<String> keysOf(String step) {
      return List.copyOf(bySteps.getOrDefault(step, Map.of()).keySet());
    }

    public boolean has(String step, String key) {
      return bySteps.getOrDefault(step, Map.of()).containsKey(key);
    }

    /** Failed, or skipped because something upstream failed. */
    public boolean failedOrBlocked(String step, String key) {
      RecordedExecution r = bySteps.getOrDefault(step, Map.of()).get(key);
      return r != null
          && (r.status() == ExecutionStatus.FAILED
              || (r.status() == ExecutionStatus.SKIPPED
                  && FailureCode.UPSTREAM.name().equals(r.errorCode())));
    }
  }

  public RunEntity run(String runId) {
    return loader.run(runId);
  }

  public State state(String runId) {
    return new State(loader.latestAttempts(runId));
  }

  /**
   * Marks the run running again with its new function overrides and schedules it: the selected
   * {@code step/key} items run as new attempts, every other checkpoint is reused.
   */
  public void restart(String runId, String overrides, Set<String> selected) {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                RunEntity.update(
                    "status = ?1, overrides = ?2, finishedAt = null, errorCode = null, errorMessage = null, outputDigest = null where id = ?3",
                    RunStatus.RUNNING.id(),
                    overrides,
                    runId));
    RunLoader.Loaded loaded = loader.load(runId);
    Map<String, RecordedExecution> recorded = new LinkedHashMap<>(loaded.recorded());
    for (String item : selected) {
      int slash = item.indexOf('/');
      String key = RunState.recordKey(item.substring(0, slash), item.substring(slash + 1));
      RecordedExecution r = recorded.get(key);
      if (r != null) {
        recorded.put(key, r.asRerun());
      }
    }
    engine.start(loaded.context(), recorded);
  }
}
