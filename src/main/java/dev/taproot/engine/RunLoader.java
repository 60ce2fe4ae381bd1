package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.checkpoint.CanonicalJson;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.ItemRef;
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

  public Loaded load(String runId) {
    return load(context(runId));
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

  /** A run's context alone: definition, input, pinned functions. */
  RunContext context(String runId) {
    StoredRun run = run(runId);
    WorkflowDefinition def = catalog.definition(run.workflow(), run.version());
    return context(run, def, input(run));
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
    return RunInput.streamed(
        count,
        (from, to) -> runs.records(runId, from, to).stream().map(CanonicalJson::parse).toList());
  }

  RunContext context(StoredRun run, WorkflowDefinition def, RunInput input) {
    Map<String, PinnedFunction> functions = new LinkedHashMap<>();
    for (FunctionAlias alias : def.functions().values()) {
      functions.put(
          alias.alias(),
          new PinnedFunction(
              alias.alias(),
              alias.resolved().name() + "@" + alias.resolved().version(),
              alias.resolved().digest(),
              alias.env()));
    }
    for (Map.Entry<String, String> o : overrides(run).entrySet()) {
      PinnedFunction base = functions.get(o.getKey());
      String ref = o.getValue();
      if (base != null
          && QuarkusTransaction.requiringNew().call(() -> FunctionRefs.resolve(ref))
              instanceof FunctionRefs.Resolution.Found f) {
        functions.put(
            o.getKey(),
            new PinnedFunction(base.alias(), f.version().ref(), f.version().digest, base.env()));
      }
    }
    return new RunContext(
        new RunRef(run.id(), run.workflow(), run.version()),
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
