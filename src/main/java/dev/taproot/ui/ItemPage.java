package dev.taproot.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.Checkpoint;
import dev.taproot.checkpoint.CheckpointValues;
import dev.taproot.checkpoint.ExecutionStore;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.StoredRun;
import dev.taproot.definition.FunctionAlias;
import dev.taproot.definition.StepDefinition;
import dev.taproot.definition.WorkflowCatalog;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.engine.RunLoader;
import dev.taproot.error.NotFoundException;
import dev.taproot.function.FunctionRegistry;
import dev.taproot.function.FunctionVersionEntity;
import dev.taproot.lineage.LineageGraph;
import dev.taproot.lineage.LineageService;
import dev.taproot.lineage.OriginSearch;
import dev.taproot.lineage.ValueAssertion;
import dev.taproot.replay.ReplayService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One item: its checkpoint and every attempt, its lineage both ways, and the answers of an origin
 * search and of a replay when the page was asked for them.
 */
@ApplicationScoped
class ItemPage {
  private final RunLoader loader;
  private final ExecutionStore checkpoints;
  private final CheckpointValues checkpointValues;
  private final WorkflowCatalog catalog;
  private final FunctionRegistry functions;
  private final LineageService lineage;
  private final OriginSearch origins;
  private final RunPages runPages;

  ItemPage(
      RunLoader loader,
      ExecutionStore checkpoints,
      CheckpointValues checkpointValues,
      WorkflowCatalog catalog,
      FunctionRegistry functions,
      LineageService lineage,
      OriginSearch origins,
      RunPages runPages) {
    this.loader = loader;
    this.checkpoints = checkpoints;
    this.checkpointValues = checkpointValues;
    this.catalog = catalog;
    this.functions = functions;
    this.lineage = lineage;
    this.origins = origins;
    this.runPages = runPages;
  }

  record AttemptRow(
      int number,
      String status,
      String function,
      String digest,
      String shortDigest,
      String seed,
      String started,
      String duration,
      String queued,
      String errorCode,
      String errorMessage,
      String traceId,
      String traceHref) {}

  /** A value on the lineage, listed under the drawing for reading. */
  record ValueRow(String id, String title, String href, String input, String output) {}

  record ChainRow(
      String title, String href, String side, String verdict, String reason, String value) {}

  record OriginView(
      String assertion,
      boolean found,
      String message,
      String originHref,
      String originTitle,
      List<ChainRow> chain,
      String originNode,
      Set<String> chainNodes) {}

  record ReplayView(
      String functionRef,
      String functionDigest,
      boolean recordedInput,
      String status,
      String errorCode,
      String errorMessage,
      String logs,
      boolean identical,
      String recordedStatus,
      List<DiffRow> changes,
      SideBySide sideBySide) {}

  record DiffRow(String op, String path, String from, String to) {}

  record AliasChoice(String alias, String pinned, List<String> options) {}

  record ItemView(
      String runId,
      String runHref,
      String workflow,
      String runStatus,
      boolean runFinished,
      String step,
      String key,
      String itemsHref,
      String failedItemsHref,
      String status,
      int attempt,
      String function,
      String input,
      String output,
      String errorCode,
      String errorMessage,
      String logs,
      List<AttemptRow> attempts,
      LineageDrawing lineage,
      String lineageNote,
      List<ValueRow> values,
      String assertion,
      OriginView origin,
      String originError,
      List<String> replayChoices,
      String replayFunction,
      String replayInput,
      ReplayView replay,
      String replayError,
      List<String> steps,
      List<AliasChoice> aliases,
      String itemHref,
      String apiHref) {}

  /** The request's extras: an origin search, a replay (done by the caller), or nothing. */
  record Asked(
      String assertion,
      String replayFunction,
      String replayInput,
      ReplayService.Result replay,
      String replayError) {
    static Asked nothing() {
      return new Asked(null, null, null, null, null);
    }
  }

  ItemView view(String runId, String step, String key, Asked asked) {
    StoredRun run = loader.run(runId);
    WorkflowDefinition def = catalog.definition(run.workflow(), run.version());
    StepDefinition stepDef = def.stepNamed(step);
    List<Checkpoint> attempts = checkpoints.attempts(runId, new ItemRef(step, key));
    if (attempts.isEmpty()) {
      throw new NotFoundException(
          "step '"
              + step
              + "' of run "
              + runId
              + " has no item '"
              + key
              + "' (not executed yet, or no such key)");
    }
    Checkpoint last = attempts.get(attempts.size() - 1);
    CheckpointValues.InputAndOutput recorded = checkpointValues.of(last);
    JsonNode input = recorded.input();
    JsonNode output = recorded.output();

    OriginView origin = null;
    String originError = null;
    if (asked.assertion() != null && !asked.assertion().isBlank()) {
      try {
        origin = origin(run, step, key, ValueAssertion.Cel.compile(asked.assertion().trim()));
      } catch (ValueAssertion.InvalidAssertionException e) {
        originError = e.getMessage();
      }
    }
    String itemId = step + "/" + key + "#" + last.attempt().number();
    LineageDrawing drawing;
    String lineageNote = null;
    List<ValueRow> values = new ArrayList<>();
    if (gathersItems(def, stepDef)) {
      lineageNote =
          "step "
              + step
              + " gathers every item of the step before it; its upstream is not drawn"
              + " (the JSON API lists it). Its downstream:";
    }
    List<LineageGraph> graphs = new ArrayList<>();
    if (lineageNote == null) {
      graphs.add(lineage.graph(run, step, key, LineageService.Direction.UPSTREAM, true));
    }
    graphs.add(lineage.graph(run, step, key, LineageService.Direction.DOWNSTREAM, true));
    drawing =
        LineageDrawing.of(
            graphs,
            itemId,
            origin == null ? null : origin.originNode(),
            origin == null ? Set.of() : origin.chainNodes(),
            n -> nodeHref(runId, n));
    Set<String> drawn = new HashSet<>();
    drawing.nodes().forEach(n -> drawn.add(n.id()));
    for (LineageGraph g : graphs) {
      for (LineageGraph.Node n : g.nodes()) {
        if (drawn.remove(n.id())) {
          values.add(
              new ValueRow(
                  n.id(),
                  nodeTitle(n),
                  nodeHref(runId, n),
                  n.kind().equals(LineageGraph.EXECUTION) ? Text.json(n.input()) : null,
                  Text.json(n.output())));
        }
      }
    }

    ReplayView replay = asked.replay() == null ? null : replay(asked.replay());
    FunctionAlias alias = def.functions().get(stepDef.function());
    List<String> choices = versionsOf(alias.resolved().name());
    List<AliasChoice> aliases = new ArrayList<>();
    def.functions()
        .forEach(
            (name, a) ->
                aliases.add(new AliasChoice(name, a.ref(), versionsOf(a.resolved().name()))));
    String recordedRef = last.function() == null ? alias.ref() : last.function().ref();
    return new ItemView(
        runId,
        Links.run(runId),
        run.workflow(),
        run.status().id(),
        run.status().finished(),
        step,
        key,
        Links.items(runId, step, null),
        Links.items(runId, step, "failed"),
        last.outcome().status().id(),
        last.attempt().number(),
        last.function() == null ? "" : last.function().ref(),
        Text.json(input),
        Text.json(output),
        last.outcome().code() == null ? null : last.outcome().code().name(),
        last.outcome().message(),
        last.guest().logs(),
        attempts.stream().map(this::attempt).toList(),
        drawing,
        lineageNote,
        values,
        asked.assertion() == null ? "" : asked.assertion(),
        origin,
        originError,
        choices,
        asked.replayFunction() == null ? recordedRef : asked.replayFunction(),
        asked.replayInput() == null ? "" : asked.replayInput(),
        replay,
        asked.replayError(),
        new ArrayList<>(def.topologicalOrder()),
        aliases,
        Links.item(runId, step, key),
        "/api/v1/runs/" + runId + "/steps/" + step + "/items/" + key);
  }

  private OriginView origin(StoredRun run, String step, String key, ValueAssertion assertion) {
    OriginSearch.Answer a = origins.search(run, step, key, assertion);
    List<ChainRow> chain = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (OriginSearch.Link l : a.chain()) {
      ids.add(l.node());
      chain.add(
          new ChainRow(
              linkTitle(l),
              linkHref(run.id(), l),
              l.side(),
              l.verdict().toLowerCase(java.util.Locale.ROOT),
              l.reason(),
              Text.compact(l.value(), 300)));
    }
    return new OriginView(
        a.assertion(),
        a.found(),
        a.message(),
        a.origin() == null ? null : linkHref(run.id(), a.origin()),
        a.origin() == null ? null : linkTitle(a.origin()) + " (" + a.origin().side() + ")",
        chain,
        a.origin() == null ? null : a.origin().node(),
        ids);
  }

  private static ReplayView replay(ReplayService.Result r) {
    List<DiffRow> changes =
        r.diff().stream()
            .map(
                c ->
                    new DiffRow(
                        c.op(), c.path(), Text.compact(c.from(), 200), Text.compact(c.to(), 200)))
            .toList();
    String recorded = r.recordedOutput() == null ? "" : Text.prettyAll(r.recordedOutput());
    String replayed = r.output() == null ? "" : Text.prettyAll(r.output());
    return new ReplayView(
        r.functionRef(),
        r.functionDigest(),
        r.recordedInput(),
        r.status(),
        r.errorCode(),
        r.errorMessage(),
        r.logs(),
        r.identical(),
        r.recordedStatus(),
        changes,
        SideBySide.of(recorded, replayed));
  }

  private AttemptRow attempt(Checkpoint c) {
    String digest = c.function() == null ? null : c.function().digest();
    return new AttemptRow(
        c.attempt().number(),
        c.outcome().status().id(),
        c.function() == null ? "" : c.function().ref(),
        digest == null ? "" : digest,
        Text.shortDigest(digest),
        Long.toString(c.guest().seed()),
        Text.when(c.timing().startedAt()),
        Text.micros(c.timing().durationMicros()),
        Text.micros(c.timing().queuedMicros()),
        c.outcome().code() == null ? "" : c.outcome().code().name(),
        c.outcome().message() == null ? "" : c.outcome().message(),
        c.span().traceId(),
        runPages.traceHref(c.span().traceId()));
  }

  private List<String> versionsOf(String name) {
    return functions.versions(name).stream().map(FunctionVersionEntity::ref).toList();
  }

  /** A step without forEach that reads a forEach step gathers all of its items (a fan-in). */
  static boolean gathersItems(WorkflowDefinition def, StepDefinition step) {
    return !step.hasForEach()
        && step.dependsOn().stream().anyMatch(d -> def.steps().get(d).hasForEach());
  }

  private static String nodeHref(String runId, LineageGraph.Node n) {
    return n.kind().equals(LineageGraph.EXECUTION) ? Links.item(runId, n.step(), n.key()) : null;
  }

  private static String nodeTitle(LineageGraph.Node n) {
    return switch (n.kind()) {
      case LineageGraph.EXECUTION ->
          "step " + n.step() + ", item " + n.key() + ", attempt " + n.attempt();
      case LineageGraph.RECORD -> "record " + n.key() + " of the run input (line " + n.line() + ")";
      case LineageGraph.INPUT -> "the run input";
      default -> "the run output";
    };
  }

  private static String linkTitle(OriginSearch.Link l) {
    return switch (l.kind()) {
      case LineageGraph.EXECUTION -> "step " + l.step() + ", item " + l.key();
      case LineageGraph.RECORD -> "record " + l.key() + " (line " + l.line() + ")";
      case LineageGraph.INPUT -> "the run input";
      default -> "the run output";
    };
  }

  private static String linkHref(String runId, OriginSearch.Link l) {
    return l.kind().equals(LineageGraph.EXECUTION) ? Links.item(runId, l.step(), l.key()) : null;
  }

  static List<String> split(String s) {
    return s == null || s.isBlank()
        ? List.of()
        : Arrays.stream(s.split("[,\\s]+")).filter(x -> !x.isBlank()).toList();
  }
}
