package dev.taproot.ui;

import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.definition.FunctionAlias;
import dev.taproot.definition.StepDefinition;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.engine.RedriveService;
import dev.taproot.engine.RunLoader;
import dev.taproot.engine.RunProgress;
import dev.taproot.error.InvalidParameterException;
import dev.taproot.function.FunctionRegistry;
import dev.taproot.function.FunctionVersionEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MultivaluedMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redrive from the UI in two steps: a confirmation that says what will run again (read from the
 * definition and the recorded statuses), then the redrive itself through {@link RedriveService}.
 */
@ApplicationScoped
class RedrivePage {
  private final RunLoader loader;
  private final RunProgress progress;
  private final ExecutionStore checkpoints;
  private final WorkflowCatalog catalog;
  private final FunctionRegistry functions;
  private final RedriveService redrives;

  RedrivePage(
      RunLoader loader,
      RunProgress progress,
      ExecutionStore checkpoints,
      WorkflowCatalog catalog,
      FunctionRegistry functions,
      RedriveService redrives) {
    this.loader = loader;
    this.progress = progress;
    this.checkpoints = checkpoints;
    this.catalog = catalog;
    this.functions = functions;
    this.redrives = redrives;
  }

  /** What the form asked: {@code scope} is {@code item} (with {@code key}) or {@code failed}. */
  record Ask(String scope, String key, String from, Map<String, String> functions) {
    static Ask of(MultivaluedMap<String, String> params) {
      String scope = params.getFirst("scope");
      scope = scope == null || scope.isBlank() ? "failed" : scope.trim();
      if (!scope.equals("failed") && !scope.equals("item")) {
        throw new InvalidParameterException("scope", "use item or failed");
      }
      String key = trim(params.getFirst("key"));
      if (scope.equals("item") && key == null) {
        throw new InvalidParameterException("key", "redriving one item needs its key");
      }
      Map<String, String> fns = new LinkedHashMap<>();
      params.forEach(
          (name, values) -> {
            if (name.startsWith("fn.") && !values.isEmpty() && trim(values.get(0)) != null) {
              fns.put(name.substring(3), values.get(0).trim());
            }
          });
      return new Ask(scope, scope.equals("item") ? key : null, trim(params.getFirst("from")), fns);
    }

    RedriveService.Request request() {
      return new RedriveService.Request(key == null ? null : List.of(key), from, functions);
    }
  }

  record Field(String name, String value) {}

  record ConfirmView(
      String runId,
      String runHref,
      String workflow,
      String runStatus,
      boolean runFinished,
      String headline,
      List<String> plan,
      List<String> changes,
      List<Field> fields,
      String backHref) {}

  ConfirmView confirm(String runId, Ask ask) {
    StoredRun run = loader.run(runId);
    WorkflowDefinition def = catalog.definition(run.workflow(), run.version());
    if (ask.from() != null && !def.steps().containsKey(ask.from())) {
      throw new InvalidParameterException(
          "from", "workflow " + run.workflow() + " has no step '" + ask.from() + "'");
    }
    List<String> plan = new ArrayList<>();
    String headline;
    if (ask.scope().equals("item")) {
      String from = ask.from() == null ? firstFailed(runId, def, ask.key()) : ask.from();
      headline = "Redrive item " + ask.key() + (from == null ? "" : " from step " + from);
      if (from == null) {
        plan.add(
            "Item "
                + ask.key()
                + " has no failed or skipped step: choose a step to run it again from.");
      } else {
        plan.add(describe(def, from, ask.key()));
        for (String down : def.downstreamOf(from)) {
          plan.add(describe(def, down, ask.key()));
        }
      }
    } else {
      headline =
          "Redrive every failed or skipped item"
              + (ask.from() == null ? "" : " from step " + ask.from());
      Map<String, Map<String, Integer>> counts = progress.of(run);
      counts.forEach(
          (step, n) -> {
            int failed = n.getOrDefault("failed", 0);
            int skipped = n.getOrDefault("skipped", 0);
            if (failed + skipped > 0) {
              plan.add(
                  "step " + step + ": " + failed + " failed and " + skipped + " skipped item(s)");
            }
          });
      if (plan.isEmpty()) {
        plan.add("No item failed or was skipped: nothing would run again.");
      } else {
        plan.add(
            ask.from() == null
                ? "each runs again from its first failed or skipped step, then every step downstream"
                    + " of it"
                : "each runs again from step "
                    + ask.from()
                    + " (even where it succeeded there), then "
                    + String.join(", ", def.downstreamOf(ask.from())));
      }
    }
    plan.add("Every other checkpoint is reused; earlier attempts stay in the item's history.");
    List<String> changes = new ArrayList<>();
    ask.functions()
        .forEach(
            (alias, ref) -> {
              FunctionAlias a = def.functions().get(alias);
              if (a == null) {
                throw new InvalidParameterException(
                    "functions", "workflow " + run.workflow() + " has no function alias " + alias);
              }
              if (!ref.equals(a.ref())) {
                changes.add(alias + ": " + ref + " instead of " + a.ref());
              }
            });
    List<Field> fields = new ArrayList<>();
    fields.add(new Field("scope", ask.scope()));
    if (ask.key() != null) {
      fields.add(new Field("key", ask.key()));
    }
    if (ask.from() != null) {
      fields.add(new Field("from", ask.from()));
    }
    ask.functions().forEach((alias, ref) -> fields.add(new Field("fn." + alias, ref)));
    return new ConfirmView(
        runId,
        Links.run(runId),
        run.workflow(),
        run.status().id(),
        run.status().finished(),
        headline,
        plan,
        changes,
        fields,
        ask.key() == null
            ? Links.run(runId)
            : Links.item(
                runId, ask.from() == null ? def.topologicalOrder().get(0) : ask.from(), ask.key()));
  }

  RedriveService.Result redrive(String runId, Ask ask) {
    Map<String, String> changed = new LinkedHashMap<>();
    WorkflowDefinition def =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  StoredRun run = loader.run(runId);
                  return catalog.definition(run.workflow(), run.version());
                });
    ask.functions()
        .forEach(
            (alias, ref) -> {
              FunctionAlias a = def.functions().get(alias);
              if (a == null || !ref.equals(a.ref())) {
                changed.put(alias, ref);
              }
            });
    return redrives.redrive(runId, new Ask(ask.scope(), ask.key(), ask.from(), changed).request());
  }

  /** The versions a redrive may pin for each alias of the run's workflow. */
  Map<String, List<String>> choices(WorkflowDefinition def) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    def.functions()
        .forEach(
            (alias, a) ->
                out.put(
                    alias,
                    functions.versions(a.resolved().name()).stream()
                        .map(FunctionVersionEntity::ref)
                        .toList()));
    return out;
  }

  private String firstFailed(String runId, WorkflowDefinition def, String key) {
    for (String step : def.topologicalOrder()) {
      List<Checkpoint> attempts = checkpoints.attempts(runId, new ItemRef(step, key));
      if (!attempts.isEmpty()) {
        ExecutionStatus s = attempts.get(attempts.size() - 1).outcome().status();
        if (s != ExecutionStatus.SUCCEEDED) {
          return step;
        }
      }
    }
    return null;
  }

  private static String describe(WorkflowDefinition def, String step, String key) {
    StepDefinition s = def.steps().get(step);
    if (ItemPage.gathersItems(def, s)) {
      return "step " + step + " once: it gathers every item, this one's new output included";
    }
    if (s.hasForEach()) {
      return "step " + step + ", item " + key;
    }
    return "step " + step + " (runs once)";
  }

  private static String trim(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
