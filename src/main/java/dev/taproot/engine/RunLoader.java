package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.checkpoint.CanonicalJson;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.ItemRange;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.Lease;
import dev.taproot.checkpoint.PayloadStore;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.checkpoint.RunStore;
import dev.taproot.checkpoint.SpanRef;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.definition.FunctionAlias;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.error.NotFoundException;
import dev.taproot.function.FunctionRefs;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rebuilds what a run needs in memory from its rows: definition, input, pinned functions,
 * checkpoints.
 */
@ApplicationScoped
public class RunLoader {
  private final WorkflowCatalog catalog;
  private final PayloadStore payloads;
  private final ExecutionStore executions;
  private final RunStore runs;

  RunLoader(
      WorkflowCatalog catalog, PayloadStore payloads, ExecutionStore executions, RunStore runs) {
    this.catalog = catalog;
    this.payloads = payloads;
    this.executions = executions;
    this.runs = runs;
  }

  /**
   * A run's context, the latest attempt of each of its items, and the items its latest redrive
   * selected that have not run again yet.
   */
  public record Loaded(
      RunContext context, Map<ItemRef, RecordedAttempt> recorded, Set<ItemRef> rerun) {}

  /**
   * @throws NotFoundException naming the run when there is none
   */
  public StoredRun run(String runId) {
    return runs.find(runId)
        .orElseThrow(
            () -> new NotFoundException("no run '" + runId + "'; list runs with GET /api/v1/runs"));
  }

  /** What a run recorded, to be scheduled under {@code lease}. */
  public Loaded load(Lease lease) {
    StoredRun run = run(lease.runId());
    WorkflowDefinition def = definition(run);
    return load(context(run, def, input(run), lease));
  }

  /** What a run whose context is known recorded: every item's latest attempt, pending reruns. */
  Loaded load(RunContext context) {
    String runId = context.runId;
    Map<ItemRef, RecordedAttempt> recorded = new RecordedRun(runId, executions).latestOfEveryItem();
    Set<ItemRef> rerun = new HashSet<>();
    runs.reruns(runId)
        .forEach(
            (item, replaces) -> {
              RecordedAttempt latest = recorded.get(item);
              if (latest != null && latest.attempt() == replaces) {
                rerun.add(item);
              }
            });
    return new Loaded(context, recorded, rerun);
  }

  /** What a finished run recorded, read lazily (see {@link RecordedRun}). */
  RecordedRun recorded(String runId) {
    return new RecordedRun(runId, executions);
  }

  RecordedRun recorded(String runId, RecordedRun.Summary known) {
    return new RecordedRun(runId, executions, known);
  }

  /**
   * What the coordinator of a run whose partitions are all done needs: the steps of the partitions
   * are only counted (and read from the database by the fan-ins over them), as a redrive counts the
   * items it leaves alone; every other step is rebuilt from its checkpoints. Without this a
   * coordinator would rebuild every item of every partition in memory before its first fan-in.
   * {@code partitionsRecorded}, when this instance finished every partition, spares the pass over
   * the run's checkpoints that counts them.
   */
  Coordinator loadCoordinator(Lease lease, Optional<RecordedRun.Summary> partitionsRecorded) {
    StoredRun run = run(lease.runId());
    WorkflowDefinition def = definition(run);
    RunContext ctx = context(run, def, input(run), lease);
    Partitioning partitioning = Partitioning.of(def);
    RecordedRun recorded =
        partitionsRecorded
            .map(known -> recorded(run.id(), known))
            .orElseGet(() -> recorded(run.id()));
    Map<String, RecordedRun.Tally> tallies = new java.util.HashMap<>(recorded.tallies());
    tallies.keySet().retainAll(partitioning.steps());
    Map<ItemRef, RecordedAttempt> rebuilt = new java.util.HashMap<>();
    Set<String> whole = new HashSet<>(def.steps().keySet());
    whole.removeAll(partitioning.steps());
    Map<String, java.util.List<String>> keys = new java.util.HashMap<>();
    Map<ItemRef, RecordedAttempt> followed = new java.util.HashMap<>();
    for (String step : whole) {
      for (RecordedAttempt r : recorded.latest(step, recorded.keysOf(step)).values()) {
        rebuilt.put(r.item(), r);
      }
      // An item-wise step over a partitioned one follows items that are only counted here.
      String over = def.steps().get(step).itemWiseUpstream().orElse(null);
      if (over != null && partitioning.steps().contains(over)) {
        java.util.List<String> upstreamKeys = recorded.keysOf(over);
        keys.put(step, upstreamKeys);
        recorded.latest(over, upstreamKeys).values().forEach(r -> followed.put(r.item(), r));
      }
    }
    return new Coordinator(
        ctx, rebuilt, new RedriveScope(keys, whole, followed, tallies, recorded));
  }

  /** A partitioned run's coordinator: its context, the steps it rebuilds, what it counts. */
  record Coordinator(
      RunContext context, Map<ItemRef, RecordedAttempt> recorded, RedriveScope scope) {}

  /**
   * What a partition recorded: the latest attempt of each of its items, to be scheduled under
   * {@code lease}. A partition claimed for the first time has recorded nothing.
   */
  PartitionLoad loadPartition(Lease lease, ItemRange range) {
    StoredRun run = run(lease.runId());
    WorkflowDefinition def = definition(run);
    Partitioning partitioning = Partitioning.of(def);
    RunContext ctx = context(run, def, input(run), lease);
    Map<ItemRef, RecordedAttempt> recorded = new java.util.HashMap<>();
    if (lease.fence() > 1) {
      for (RecordedAttempt r : executions.attemptsOf(run.id(), range)) {
        if (partitioning.steps().contains(r.item().step())) {
          recorded.merge(r.item(), r, RecordedAttempt::latest);
        }
      }
    }
    return new PartitionLoad(ctx, new PartitionScope(range, partitioning.steps()), recorded);
  }

  /** A partition's context, its scope and what it recorded. */
  record PartitionLoad(
      RunContext context, PartitionScope scope, Map<ItemRef, RecordedAttempt> recorded) {}

  /** A run's context alone, to prepare a control action: definition, input, pinned functions. */
  RunContext context(String runId) {
    StoredRun run = run(runId);
    WorkflowDefinition def = definition(run);
    return context(run, def, input(run), null);
  }

  /**
   * The run's definition; in a transaction of its own, since a claim loads it on the cluster
   * thread, where no request is active.
   */
  private WorkflowDefinition definition(StoredRun run) {
    return QuarkusTransaction.joiningExisting()
        .call(() -> catalog.definition(run.workflow(), run.version()));
  }

  /**
   * A run's input: its payload, or for an x-ndjson upload stored record by record (which has no
   * payload of the whole), its records read from the store when needed.
   */
  RunInput input(StoredRun run) {
    java.util.Optional<JsonNode> whole = payloads.get(run.inputDigest());
    if (whole.isPresent()) {
      return RunInput.of(whole.get());
    }
    if (!run.ndjson() || run.recordCount() == null) {
      throw new IllegalStateException("input payload of run " + run.id() + " is missing");
    }
    return records(run.id(), run.recordCount());
  }

  /** The records of an x-ndjson run, read from the store a range at a time. */
  RunInput records(String runId, int count) {
    return RunInput.streamed(count, (from, to) -> runs.records(runId, from, to));
  }

  RunContext context(StoredRun run, WorkflowDefinition def, RunInput input, Lease lease) {
    Map<String, PinnedFunction> functions = new LinkedHashMap<>();
    for (FunctionAlias alias : def.functions().values()) {
      functions.put(
          alias.alias(),
          PinnedFunction.of(
              alias.alias(),
              alias.resolved().name() + "@" + alias.resolved().version(),
              alias.resolved().digest(),
              alias.env(),
              alias.resolved().abi(),
              alias.export()));
    }
    for (Map.Entry<String, String> o : overrides(run).entrySet()) {
      PinnedFunction base = functions.get(o.getKey());
      FunctionAlias alias = def.functions().get(o.getKey());
      String ref = o.getValue();
      if (base != null
          && QuarkusTransaction.requiringNew().call(() -> FunctionRefs.resolve(ref))
              instanceof FunctionRefs.Resolution.Found f) {
        functions.put(
            o.getKey(),
            PinnedFunction.of(
                base.alias(),
                f.version().ref(),
                f.version().digest,
                base.env(),
                f.version().abi,
                alias.export()));
      }
    }
    return new RunContext(
        new RunRef(run.id(), run.workflow(), run.version()),
        lease,
        run.generation(),
        def,
        input,
        run.ndjson(),
        new SpanRef(run.traceId(), run.spanId()),
        functions);
  }

  private static Map<String, String> overrides(StoredRun run) {
    Map<String, String> out = new LinkedHashMap<>();
    if (run.overrides() != null && !run.overrides().isBlank()) {
      ObjectNode node =
          (ObjectNode)
              CanonicalJson.parse(
                  run.overrides().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }
}
