package dev.taproot.engine;

import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.RunStore;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.checkpoint.UnitPlan;
import dev.taproot.definition.StepDefinition;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.error.ConflictException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.context.ManagedExecutor;

/** The engine side of a redrive: what a finished run recorded, and starting it again. */
@ApplicationScoped
public class Redrive {
  private final RunLoader loader;
  private final Engine engine;
  private final ManagedExecutor executor;
  private final CompiledFunctions functions;
  private final RunStore runs;
  private final ClusterMember member;

  Redrive(
      RunLoader loader,
      Engine engine,
      ManagedExecutor executor,
      CompiledFunctions functions,
      RunStore runs,
      ClusterMember member) {
    this.member = member;
    this.runs = runs;
    this.loader = loader;
    this.engine = engine;
    this.executor = executor;
    this.functions = functions;
  }

  /** A finished run as recorded, for choosing what to re-execute. */
  public static final class State {
    private final CompletableFuture<RunContext> context;
    private final RecordedRun recorded;
    private final Map<String, Set<String>> failedSets = new HashMap<>();

    RecordedRun recorded() {
      return recorded;
    }

    State(CompletableFuture<RunContext> context, RecordedRun recorded) {
      this.context = context;
      this.recorded = recorded;
    }

    /** Item keys whose latest attempt failed or was skipped because upstream failed. */
    public List<String> failedOrBlocked(String step) {
      return recorded.failedOrBlocked().getOrDefault(step, List.of()).stream()
          .map(RecordedAttempt::key)
          .toList();
    }

    public boolean failedOrBlocked(String step, String key) {
      return failedSets.computeIfAbsent(step, k -> Set.copyOf(failedOrBlocked(k))).contains(key);
    }

    /** Those of {@code keys} that have a checkpoint at {@code step}. */
    public Set<String> existing(String step, Collection<String> keys) {
      return recorded.latest(step, keys).keySet();
    }

    /** Every item key of a step, in item order. */
    public List<String> keysOf(String step) {
      return recorded.keysOf(step);
    }
  }

  /**
   * What runs again.
   *
   * @param keys selected item keys per step, steps in topological order, keys in item order
   * @param whole steps every item of which runs again (an input they all read changed)
   */
  public record Selection(Map<String, List<String>> keys, Set<String> whole) {
    /** The selected items as {@code step/key}. */
    public List<String> items() {
      List<String> out = new ArrayList<>();
      keys.forEach((step, ks) -> ks.forEach(k -> out.add(step + "/" + k)));
      return out;
    }
  }

  public StoredRun run(String runId) {
    return loader.run(runId);
  }

  /**
   * The run as recorded. The two large reads of a redrive, the run input (10 MB for 100,000
   * records) and one pass over the run's checkpoints, start here on other threads, side by side:
   * the database does the one while this JVM parses the other. The pass is skipped when the run
   * finished in this service, which remembers what it recorded. The function versions the redrive
   * pins are compiled meanwhile, so that its first execution does not wait for that.
   */
  public State state(StoredRun run, Collection<String> pinnedDigests) {
    String runId = run.id();
    for (String digest : pinnedDigests) {
      executor.runAsync(() -> functions.get(digest));
    }
    RecordedRun recorded =
        engine
            .finishedSummary(runId, run.generation())
            .map(known -> loader.recorded(runId, known))
            .orElseGet(() -> loader.recorded(runId));
    executor.runAsync(recorded::tallies);
    return new State(executor.supplyAsync(() -> loader.context(runId)), recorded);
  }

  /**
   * Marks the run running again with its new function overrides and schedules it: the selected
   * items run as new attempts, every other checkpoint is reused. Only the selected items, the
   * recorded items they follow and single-item steps are rebuilt in memory; the rest are counted.
   */
  public void restart(State state, StoredRun run, String overrides, Selection selection) {
    RunContext old;
    try {
      old = state.context.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    Map<ItemRef, Integer> reruns = new HashMap<>();
    selection
        .keys()
        .forEach(
            (step, keys) ->
                state
                    .recorded
                    .latest(step, keys)
                    .values()
                    .forEach(r -> reruns.put(r.item(), r.attempt())));
    UnitPlan.Opened reopened =
        runs.reopen(old.runId, old.generation, overrides, reruns, member.plan(List.of()))
            .orElseThrow(() -> changedMeanwhile(old.runId));
    RunContext ctx =
        loader.context(reopened.run(), old.definition, old.input, reopened.coordinator());
    if (run.status() == RunStatus.CANCELLED) {
      // Items a cancel kept from ever running have no checkpoint to count or select: the whole
      // run is rebuilt, as on a resume, so that they run too and no fan-in sees part of them.
      RunLoader.Loaded loaded = loader.load(ctx);
      engine.start(ctx, loaded.recorded(), loaded.rerun(), null);
      return;
    }
    WorkflowDefinition def = old.definition;
    Map<String, Set<String>> rebuilt = new LinkedHashMap<>();
    Map<String, Set<String>> followedKeys = new HashMap<>();
    for (String step : def.topologicalOrder()) {
      StepDefinition s = def.steps().get(step);
      Set<String> keys = new LinkedHashSet<>(selection.keys().getOrDefault(step, List.of()));
      if (!s.hasForEach()) {
        keys.add("0");
      }
      rebuilt.put(step, keys);
      String upstream = s.itemWiseUpstream().orElse(null);
      if (upstream != null) {
        Set<String> upstreamSelected =
            Set.copyOf(selection.keys().getOrDefault(upstream, List.of()));
        for (String key : keys) {
          if (!upstreamSelected.contains(key)) {
            followedKeys.computeIfAbsent(upstream, k -> new LinkedHashSet<>()).add(key);
          }
        }
      }
    }
    Map<ItemRef, RecordedAttempt> recorded = new HashMap<>();
    Map<String, RecordedRun.Tally> tallies = state.recorded.tallies();
    rebuilt.forEach(
        (step, keys) ->
            state
                .recorded
                .latest(step, keys)
                .forEach(
                    (key, r) -> {
                      // Rebuilt items are counted as they are rebuilt, not in the tally.
                      tallies.merge(
                          step, RecordedRun.Tally.NONE.plus(r, -1), RecordedRun.Tally::plus);
                      recorded.put(r.item(), r);
                    }));
    Map<ItemRef, RecordedAttempt> followed = new HashMap<>();
    followedKeys.forEach(
        (step, keys) ->
            state.recorded.latest(step, keys).values().forEach(r -> followed.put(r.item(), r)));
    engine.start(
        ctx,
        recorded,
        reruns.keySet(),
        new RedriveScope(selection.keys(), selection.whole(), followed, tallies, state.recorded));
  }

  static ConflictException changedMeanwhile(String runId) {
    return new ConflictException(
        "run "
            + runId
            + " changed while this request was prepared: another redrive, resume or cancel won;"
            + " read the run again and retry if it still applies");
  }
}
