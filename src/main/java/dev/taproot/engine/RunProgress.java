package dev.taproot.engine;

import dev.taproot.checkpoint.ClusterStore;
import dev.taproot.checkpoint.EndedCounts;
import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.ItemRange;
import dev.taproot.checkpoint.LiveCounts;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.RunStore;
import dev.taproot.checkpoint.StoreException;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.checkpoint.StoredUnit;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Counts per step (pending, running, succeeded, failed, skipped) in definition order. From the
 * engine while the run's coordinator is live here; for an ended run, from the counts stored with
 * its final status or, once nothing more can be committed for it, after it; otherwise unit by unit:
 * a partition live here from its scheduler, a partition done here from what it recorded, a unit
 * live elsewhere from its checkpoints and what its holder said at its last heartbeat (only the
 * holder knows which items wait and which run), and only the rest (partitions not claimed yet, the
 * coordinator's steps) from the checkpoints alone. A grouped pass over every checkpoint of a big
 * run took seconds on H2 (25 s for one answer on a 300,000-record run while it ran), so it is never
 * taken for the partitions this instance knows.
 */
@ApplicationScoped
public class RunProgress {

  private final Engine engine;
  private final ExecutionStore checkpoints;
  private final ClusterStore units;
  private final WorkflowCatalog catalog;
  private final RunStore runs;
  private final StoredCounts stored = new StoredCounts();

  RunProgress(
      Engine engine,
      ExecutionStore checkpoints,
      ClusterStore units,
      RunStore runs,
      WorkflowCatalog catalog) {
    this.engine = engine;
    this.runs = runs;
    this.checkpoints = checkpoints;
    this.units = units;
    this.catalog = catalog;
  }

  /** Forgets every count taken from the checkpoints, as a restart does; tests cover that path. */
  public void forget() {
    stored.forget();
  }

  public Map<String, Map<String, Integer>> of(StoredRun run) {
    Map<String, Map<String, Integer>> counts =
        engine
            .progress(run.id())
            .orElseGet(() -> run.status().finished() ? ended(run) : counted(run));
    return run.status() == RunStatus.CANCELLED ? nothingPending(counts) : counts;
  }

  /**
   * A cancelled run's counts: what had not started will not, whatever an instance still holds of it
   * until it hears of the cancel.
   */
  private static Map<String, Map<String, Integer>> nothingPending(
      Map<String, Map<String, Integer>> counts) {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    counts.forEach(
        (step, byStatus) -> {
          Map<String, Integer> copy = new LinkedHashMap<>(byStatus);
          copy.replace(ItemStatus.PENDING.id(), 0);
          out.put(step, copy);
        });
    return out;
  }

  /**
   * An ended run: the counts stored with its final status. A run without them (a cancelled one,
   * whose interrupted attempts commit after the cancel; one failed by a fault of the engine while
   * work of it may still be committing; one that ended before counts were stored) is counted as a
   * running one is, and once nothing more can be committed for it (about one lease after its end)
   * counted a last time and stored, so that no instance counts it again, after a restart neither.
   */
  private Map<String, Map<String, Integer>> ended(StoredRun run) {
    Optional<Map<String, Map<ExecutionStatus, Integer>>> kept = run.endedCounts();
    if (kept.isPresent()) {
      // What was counted of it while it ran (a part per partition) is of no use any more.
      stored.forget(run.id());
      Tallies out = new Tallies(definition(run).steps().keySet());
      out.add(kept.get());
      return out.counts;
    }
    if (!quiesced(run)) {
      return counted(run);
    }
    // Counts taken before the last commits of the run landed must not be the ones kept.
    stored.forget(run.id());
    Map<String, Map<String, Integer>> last = counted(run);
    Tallies.endedOnly(last).ifPresent(ended -> keep(run, ended));
    return last;
  }

  private void keep(StoredRun run, Map<String, Map<ExecutionStatus, Integer>> ended) {
    try {
      runs.keepEndedCounts(run, new EndedCounts(run.generation(), ended));
    } catch (StoreException e) {
      // The answer stands; the next one counts the run again and tries to keep it once more.
      Log.warnf(e, "could not keep the counts of ended run %s", run.id());
    }
  }

  /** Whether nothing more can be committed for the run; a store that cannot tell says no. */
  private boolean quiesced(StoredRun run) {
    try {
      return runs.quiesce(run);
    } catch (StoreException e) {
      // Only the counts are not kept yet: the answer is counted as before, the next one tries
      // again.
      Log.warnf(e, "could not tell whether run %s can still change; counting it", run.id());
      return false;
    }
  }

  private Map<String, Map<String, Integer>> counted(StoredRun run) {
    WorkflowDefinition def = definition(run);
    Tallies out = new Tallies(def.steps().keySet());
    // The partitions of the plan the run started with, whatever its generation now: a cancel
    // bumps the generation and leaves the units, and their items are the same.
    List<StoredUnit> all = units.units(run.id());
    StoredUnit coordinator = all.stream().filter(u -> !u.partition()).findFirst().orElse(null);
    List<StoredUnit> partitions = all.stream().filter(StoredUnit::partition).toList();
    if (partitions.isEmpty()) {
      LiveCounts said = reported(run, coordinator);
      out.add(
          stored.of(
              run.id(),
              run.generation(),
              StoredCounts.Part.unit("run " + run.status() + after(said), 0),
              false,
              () -> checkpoints.progress(run.id())),
          said,
          def.steps().keySet());
      return out.counts;
    }
    Partitioning partitioning = Partitioning.of(def);
    Set<String> partitioned = partitioning.steps();
    // Each partitioned step has exactly a partition's items when its roots all have as many: over
    // an upload's records, or one root alone; several roots over lists of their own may not.
    boolean sized = run.ndjson() || partitioning.roots().size() == 1;
    List<StoredUnit> span = new ArrayList<>();
    for (StoredUnit p : partitions) {
      Map<String, Map<String, Integer>> live =
          engine.partitionProgress(run.id(), p.unit(), p.generation()).orElse(null);
      LiveCounts said = reported(run, p);
      if (live == null && !p.done() && said == null) {
        span.add(p);
        continue;
      }
      addSpan(out, run, span, partitioned, sized);
      span.clear();
      if (live != null) {
        out.addLive(live, partitioned);
      } else if (p.done()) {
        out.add(done(run, p, partitioned));
      } else {
        out.add(heldElsewhere(run, p, said, partitioned), said, partitioned);
      }
    }
    addSpan(out, run, span, partitioned, sized);
    Set<String> rest = new LinkedHashSet<>(def.steps().keySet());
    rest.removeAll(partitioned);
    if (!rest.isEmpty()) {
      LiveCounts said = reported(run, coordinator);
      out.add(
          stored.of(
              run.id(),
              run.generation(),
              StoredCounts.Part.unit("coordinator " + run.status() + after(said), 0),
              false,
              () -> checkpoints.progress(run.id(), rest, null)),
          said,
          rest);
    }
    return out.counts;
  }

  /**
   * What the instance holding {@code unit} said of its items at its last heartbeat, when that is of
   * the run's generation while it runs; null otherwise (nothing said yet, or the run changed).
   */
  private static LiveCounts reported(StoredRun run, StoredUnit unit) {
    return unit != null
            && unit.reported() != null
            && unit.generation() == run.generation()
            && run.status() == RunStatus.RUNNING
        ? unit.reported()
        : null;
  }

  /**
   * Names a count taken after what a holder said, so that the next thing it says is counted again
   * (see {@link #heldElsewhere}).
   */
  private static String after(LiveCounts said) {
    return said == null ? "" : ", after " + said.steps();
  }

  /**
   * The ended items of a partition another instance holds, from its checkpoints: counted again
   * whenever its holder said something new, so that they are never older than its word (an item
   * whose retry the holder counts as succeeded must not also be failed in older counts).
   */
  private StoredCounts.Counts heldElsewhere(
      StoredRun run, StoredUnit p, LiveCounts said, Set<String> steps) {
    return stored.of(
        run.id(),
        run.generation(),
        StoredCounts.Part.unit("partition " + p.unit() + " held elsewhere" + after(said), p.unit()),
        false,
        () -> checkpoints.progress(run.id(), steps, p.range()));
  }

  /** A partition whose every item is final: counted once per generation. */
  private StoredCounts.Counts done(StoredRun run, StoredUnit p, Set<String> steps) {
    return stored.of(
        run.id(),
        run.generation(),
        StoredCounts.Part.unit(
            "partition " + p.unit() + " of generation " + p.generation(), p.unit()),
        true,
        () ->
            engine
                .partitionSummary(run.id(), p.generation(), p.unit())
                .map(summary -> Tallies.ended(summary.tallies(), steps))
                .orElseGet(() -> checkpoints.progress(run.id(), steps, p.range())));
  }

  /**
   * Consecutive partitions scheduled elsewhere or not claimed yet, counted together from the
   * checkpoints of their items; while the run runs, the items of theirs not ended yet are pending
   * when each step has as many items as the partitions ({@code sized}): a holder that has said
   * nothing yet, or none, still has them all to run.
   */
  private void addSpan(
      Tallies out, StoredRun run, List<StoredUnit> span, Set<String> steps, boolean sized) {
    if (span.isEmpty()) {
      return;
    }
    StoredUnit first = span.get(0);
    StoredUnit last = span.get(span.size() - 1);
    ItemRange items = new ItemRange(first.range().first(), last.range().end());
    StoredCounts.Counts ended =
        stored.of(
            run.id(),
            run.generation(),
            new StoredCounts.Part(
                "partitions " + first.unit() + "-" + last.unit(), first.unit(), last.unit()),
            false,
            () -> checkpoints.progress(run.id(), steps, items));
    out.add(ended);
    if (sized && run.status() == RunStatus.RUNNING) {
      out.addWaiting(ended, steps, items.end() - items.first());
    }
  }

  private WorkflowDefinition definition(StoredRun run) {
    return catalog.definition(run.workflow(), run.version());
  }

  /** Counts by step and status, every status of every step present, summed from their sources. */
  private static final class Tallies {
    final Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();

    Tallies(Set<String> steps) {
      for (String step : steps) {
        Map<String, Integer> zero = new LinkedHashMap<>();
        for (ItemStatus status : ItemStatus.values()) {
          zero.put(status.id(), 0);
        }
        counts.put(step, zero);
      }
    }

    void add(StoredCounts.Counts stored) {
      add(stored.byStep());
    }

    /**
     * A unit live elsewhere (see {@link HeldElsewhere}); its ended items alone when it said none.
     */
    void add(StoredCounts.Counts stored, LiveCounts said, Set<String> steps) {
      if (said == null) {
        add(stored);
      } else {
        addLive(HeldElsewhere.counts(stored.byStep(), said, steps), steps);
      }
    }

    void add(Map<String, Map<ExecutionStatus, Integer>> byStep) {
      byStep.forEach(
          (step, byStatus) -> byStatus.forEach((status, n) -> addTo(step, status.id(), n)));
    }

    /** The counts of a scheduler live here, of these steps. */
    void addLive(Map<String, Map<String, Integer>> live, Set<String> steps) {
      live.forEach(
          (step, byStatus) -> {
            if (steps.contains(step)) {
              byStatus.forEach((status, n) -> addTo(step, status, n));
            }
          });
    }

    static Map<String, Map<ExecutionStatus, Integer>> ended(
        Map<String, RecordedRun.Tally> tallies, Set<String> steps) {
      Map<String, Map<ExecutionStatus, Integer>> out = new LinkedHashMap<>();
      tallies.forEach(
          (step, t) -> {
            if (steps.contains(step)) {
              out.put(
                  step,
                  Map.of(
                      ExecutionStatus.SUCCEEDED, t.succeeded(),
                      ExecutionStatus.FAILED, t.failed(),
                      ExecutionStatus.SKIPPED, t.skipped()));
            }
          });
      return out;
    }

    /** As pending, what of {@code items} per step {@code ended} does not count as ended. */
    void addWaiting(StoredCounts.Counts ended, Set<String> steps, long items) {
      for (String step : steps) {
        long done = 0;
        for (int n : ended.byStep().getOrDefault(step, Map.of()).values()) {
          done += n;
        }
        addTo(step, ItemStatus.PENDING.id(), (int) Math.max(0, items - done));
      }
    }

    /**
     * The ended counts of {@code counts}; empty when an item shows as pending or running, which no
     * item of a run that nothing more can be committed for should.
     */
    static Optional<Map<String, Map<ExecutionStatus, Integer>>> endedOnly(
        Map<String, Map<String, Integer>> counts) {
      Map<String, Map<ExecutionStatus, Integer>> out = new LinkedHashMap<>();
      for (Map.Entry<String, Map<String, Integer>> step : counts.entrySet()) {
        Map<String, Integer> byStatus = step.getValue();
        if (byStatus.get(ItemStatus.PENDING.id()) != 0
            || byStatus.get(ItemStatus.RUNNING.id()) != 0) {
          return Optional.empty();
        }
        Map<ExecutionStatus, Integer> ended = new LinkedHashMap<>();
        for (ExecutionStatus status : ExecutionStatus.values()) {
          ended.put(status, byStatus.get(status.id()));
        }
        out.put(step.getKey(), ended);
      }
      return Optional.of(out);
    }

    private void addTo(String step, String status, int n) {
      Map<String, Integer> byStatus = counts.get(step);
      if (byStatus != null) {
        byStatus.merge(status, n, Integer::sum);
      }
    }
  }
}
