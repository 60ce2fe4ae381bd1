package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.checkpoint.CanonicalJson;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.error.ConflictException;
import dev.taproot.error.InvalidParameterException;
import dev.taproot.error.NotFoundException;
import dev.taproot.function.FunctionRefs;
import dev.taproot.telemetry.LogContext;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-executes the selected items of a finished run as new attempts, optionally with other function
 * versions, reusing every other checkpoint.
 */
@ApplicationScoped
public class RedriveService {
  private final Redrive redrive;
  private final Engine engine;
  private final WorkflowCatalog catalog;

  RedriveService(Redrive redrive, Engine engine, WorkflowCatalog catalog) {
    this.redrive = redrive;
    this.engine = engine;
    this.catalog = catalog;
  }

  /** What a redrive request asks for. {@code keys} null means "the failed ones". */
  public record Request(List<String> keys, String from, Map<String, String> functions) {}

  /** What was selected: every (step, item) that runs again, as {@code step/key}. */
  public record Result(
      String runId,
      String status,
      int executions,
      List<String> items,
      Map<String, String> functions) {}

  public static Request parse(JsonNode body) {
    if (body == null || body.isNull() || body.isMissingNode()) {
      return new Request(null, null, Map.of());
    }
    if (!body.isObject()) {
      throw new InvalidParameterException("body", "send a JSON object {items?, from?, functions?}");
    }
    List<String> keys = null;
    JsonNode items = body.get("items");
    if (items != null && !(items.isTextual() && items.asText().equals("failed"))) {
      if (!items.isArray()) {
        throw new InvalidParameterException(
            "items", "use \"failed\" or a list of item keys, e.g. [\"17\", \"42\"]");
      }
      keys = new ArrayList<>();
      for (JsonNode k : items) {
        keys.add(k.asText());
      }
      if (keys.isEmpty()) {
        throw new InvalidParameterException("items", "the list of item keys is empty");
      }
    }
    String from = body.hasNonNull("from") ? body.get("from").asText() : null;
    Map<String, String> functions = new LinkedHashMap<>();
    JsonNode fns = body.get("functions");
    if (fns != null && !fns.isNull()) {
      if (!fns.isObject()) {
        throw new InvalidParameterException(
            "functions", "use an object {alias: ref}, e.g. {\"parse\": \"parse-order@2\"}");
      }
      fns.fields().forEachRemaining(e -> functions.put(e.getKey(), e.getValue().asText()));
    }
    for (String field : iterable(body.fieldNames())) {
      if (!List.of("items", "from", "functions").contains(field)) {
        throw new InvalidParameterException(
            field, "unknown field; a redrive takes items, from and functions");
      }
    }
    return new Request(keys, from, functions);
  }

  /** How long a redrive waits for the scheduler of a run that just ended to let go of it. */
  private static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(5);

  public Result redrive(String runId, Request request) {
    StoredRun run = redrive.run(runId);
    if (!run.status().finished() || !engine.awaitStopped(runId, STOP_WAIT)) {
      throw new ConflictException(
          "run " + runId + " is still running; wait for it to finish or cancel it first");
    }
    WorkflowDefinition def = catalog.definition(run.workflow(), run.version());
    if (request.from() != null && !def.steps().containsKey(request.from())) {
      throw new InvalidParameterException(
          "from",
          "workflow "
              + run.workflow()
              + " has no step '"
              + request.from()
              + "'; its steps are: "
              + String.join(", ", def.steps().keySet()));
    }
    Map<String, String> pinned = new LinkedHashMap<>();
    List<String> pinnedDigests = new ArrayList<>();
    for (Map.Entry<String, String> f : request.functions().entrySet()) {
      if (!def.functions().containsKey(f.getKey())) {
        throw new InvalidParameterException(
            "functions",
            "workflow "
                + run.workflow()
                + " has no function alias '"
                + f.getKey()
                + "'; its aliases are: "
                + String.join(", ", def.functions().keySet()));
      }
      FunctionRefs.Resolution r =
          QuarkusTransaction.requiringNew().call(() -> FunctionRefs.resolve(f.getValue()));
      if (!(r instanceof FunctionRefs.Resolution.Found found)) {
        throw new NotFoundException(((FunctionRefs.Resolution.Missing) r).reason());
      }
      pinned.put(f.getKey(), found.version().ref());
      pinnedDigests.add(found.version().digest);
    }
    Redrive.State state = redrive.state(run, pinnedDigests);
    Redrive.Selection selection =
        RedriveSelection.select(def, state, request.keys(), request.from());
    List<String> selected = selection.items();
    if (selected.isEmpty()) {
      throw new ConflictException(
          "nothing to redrive in run "
              + runId
              + ": "
              + (request.keys() == null
                  ? "no item failed or was skipped"
                  : "none of the items "
                      + request.keys()
                      + " has a checkpoint"
                      + (request.from() == null
                          ? " that failed or was skipped"
                          : " at step " + request.from())));
    }
    String overrides = mergeOverrides(run.overrides(), pinned);
    redrive.restart(state, run, overrides, selection);
    try (LogContext log = LogContext.run(runId, run.traceId())) {
      Log.infof(
          "run %s redriven: %d executions (%s) with functions %s",
          runId, selected.size(), selected.size() > 10 ? "…" : selected, pinned);
    }
    return new Result(runId, RunStatus.RUNNING.id(), selected.size(), selected, pinned);
  }

  private static String mergeOverrides(String current, Map<String, String> pinned) {
    ObjectNode node =
        current == null || current.isBlank()
            ? CanonicalJson.MAPPER.createObjectNode()
            : (ObjectNode) CanonicalJson.parse(current.getBytes(StandardCharsets.UTF_8));
    pinned.forEach(node::put);
    return node.isEmpty() ? null : CanonicalJson.text(node);
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }
}
