package dev.taproot.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.checkpoint.CanonicalJson;
import dev.taproot.checkpoint.RunEntity;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.definition.ForEach;
import dev.taproot.definition.StepDefinition;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.engine.Engine;
import dev.taproot.engine.Redrive;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

  public Result redrive(String runId, Request request) {
    RunEntity run = QuarkusTransaction.requiringNew().call(() -> redrive.run(runId));
    if (!RunStatus.of(run.status).finished() || engine.isLive(runId)) {
      throw new ConflictException(
          "run " + runId + " is still running; wait for it to finish or cancel it first");
    }
    WorkflowDefinition def = catalog.definition(run.workflow, run.workflowVersion);
    if (request.from() != null && !def.steps().containsKey(request.from())) {
      throw new InvalidParameterException(
          "from",
          "workflow "
              + run.workflow
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
                + run.workflow
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
    Redrive.State state = redrive.state(runId, pinnedDigests);
    Redrive.Selection selection = select(def, state, request);
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
    String overrides = mergeOverrides(run.overrides, pinned);
    redrive.restart(state, overrides, selection);
    try (LogContext log = LogContext.run(runId, run.traceId)) {
      Log.infof(
          "run %s redriven: %d executions (%s) with functions %s",
          runId, selected.size(), selected.size() > 10 ? "…" : selected, pinned);
    }
    return new Result(runId, RunStatus.RUNNING.id(), selected.size(), selected, pinned);
  }

  /** The items to run again, by step in topological order. */
  static Redrive.Selection select(WorkflowDefinition def, Redrive.State state, Request request) {
    Map<String, Set<String>> chosen = new LinkedHashMap<>();
    List<String> order = def.topologicalOrder();
    order.forEach(step -> chosen.put(step, new LinkedHashSet<>()));
    if (request.keys() == null && request.from() == null) {
      for (String step : order) {
        chosen.get(step).addAll(state.failedOrBlocked(step));
      }
    } else {
      Set<String> keys = new LinkedHashSet<>();
      if (request.keys() != null) {
        keys.addAll(request.keys());
      } else {
        // Only steps whose item keys are from's: a fan-in's item "0" is not from's item "0".
        for (String step : sameKeys(def, request.from())) {
          keys.addAll(state.failedOrBlocked(step));
        }
      }
      if (request.from() != null) {
        chosen.get(request.from()).addAll(state.existing(request.from(), keys));
      } else {
        for (String key : keys) {
          for (String step : order) {
            if (state.failedOrBlocked(step, key)) {
              chosen.get(step).add(key);
              break;
            }
          }
        }
      }
    }
    return closeDownstream(def, state, chosen);
  }

  /** {@code from} and the steps that follow its items one by one, so share its item keys. */
  private static Set<String> sameKeys(WorkflowDefinition def, String from) {
    Set<String> same = new LinkedHashSet<>(List.of(from));
    for (String step : def.topologicalOrder()) {
      if (def.steps().get(step).forEach() instanceof ForEach.ItemWise iw
          && same.contains(iw.upstreamStep())) {
        same.add(step);
      }
    }
    return same;
  }

  /**
   * Whatever consumed a re-executed item must run again too: the same key of an item-wise follower,
   * every item of any other consumer.
   */
  private static Redrive.Selection closeDownstream(
      WorkflowDefinition def, Redrive.State state, Map<String, Set<String>> chosen) {
    Set<String> whole = new LinkedHashSet<>();
    for (String step : def.topologicalOrder()) {
      StepDefinition s = def.steps().get(step);
      for (String dep : s.dependsOn()) {
        Set<String> depKeys = chosen.get(dep);
        if (depKeys.isEmpty()) {
          continue;
        }
        if (s.forEach() instanceof ForEach.ItemWise iw && iw.upstreamStep().equals(dep)) {
          chosen.get(step).addAll(state.existing(step, depKeys));
        } else {
          chosen.get(step).addAll(state.keysOf(step));
          whole.add(step);
        }
      }
    }
    Map<String, List<String>> keys = new LinkedHashMap<>();
    chosen.forEach((step, ks) -> keys.put(step, sortedKeys(ks)));
    return new Redrive.Selection(keys, whole);
  }

  /** Item keys in item order: numbers by value ("2" before "10"). */
  private static List<String> sortedKeys(Set<String> keys) {
    List<String> out = new ArrayList<>(keys);
    out.sort(
        (a, b) ->
            a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b));
    return out;
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
