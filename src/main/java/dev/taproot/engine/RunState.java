package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.checkpoint.ExecutionRecord;
import dev.taproot.checkpoint.ExecutionStatus;
import dev.taproot.checkpoint.LineageEdge;
import dev.taproot.checkpoint.Payload;
import dev.taproot.checkpoint.RunStatus;
import dev.taproot.checkpoint.RunUpdate;
import dev.taproot.definition.ForEach;
import dev.taproot.definition.StepDefinition;
import dev.taproot.expression.Bindings;
import dev.taproot.expression.CelValues;
import dev.taproot.expression.Reference;
import dev.taproot.function.FailureCode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler of one live run: decides which items exist and which are ready, from committed
 * checkpoints only. All methods run under the instance lock, on the checkpoint writer's thread or
 * an API thread; executions happen elsewhere ({@link Dispatcher}).
 */
final class RunState {
  final RunContext ctx;
  private final Dispatcher dispatcher;
  private final Map<String, StepState> steps = new LinkedHashMap<>();
  private final Map<String, List<StepState>> downstream = new HashMap<>();
  private final Map<String, RecordedExecution> recorded;

  /** Null when every item is rebuilt (a new or resumed run); set for a redrive. */
  private final RedriveScope scope;

  private final Map<String, Set<String>> selectedKeys = new HashMap<>();
  private volatile boolean cancelled;
  private boolean finishing;

  RunState(RunContext ctx, Dispatcher dispatcher, Map<String, RecordedExecution> recorded) {
    this(ctx, dispatcher, recorded, null);
  }

  RunState(
      RunContext ctx,
      Dispatcher dispatcher,
      Map<String, RecordedExecution> recorded,
      RedriveScope scope) {
    this.ctx = ctx;
    this.dispatcher = dispatcher;
    this.recorded = new HashMap<>(recorded);
    this.scope = scope;
    Map<String, Integer> depth = new HashMap<>();
    for (String id : ctx.definition.topologicalOrder()) {
      StepDefinition def = ctx.definition.steps().get(id);
      int d = def.dependsOn().stream().mapToInt(dep -> depth.get(dep) + 1).max().orElse(0);
      depth.put(id, d);
      StepState step = new StepState(def, d);
      if (scope != null) {
        step.recover(scope.tallies().getOrDefault(id, RecordedRun.Tally.NONE));
        selectedKeys.put(id, Set.copyOf(scope.keysOf(id)));
      }
      steps.put(id, step);
    }
    for (StepState s : steps.values()) {
      for (String dep : s.def.dependsOn()) {
        downstream.computeIfAbsent(dep, k -> new ArrayList<>()).add(s);
      }
    }
  }

  static String recordKey(String stepId, String itemKey) {
    return stepId + "\u0000" + itemKey;
  }

  synchronized void start() {
    for (StepState s : steps.values()) {
      maybeExpand(s);
    }
    maybeFinish();
  }

  /** Read by workers without the lock: a stale false only lets one more queued attempt run. */
  boolean cancelled() {
    return cancelled;
  }

  synchronized void cancel() {
    if (cancelled || finishing) {
      return;
    }
    cancelled = true;
    finishing = true;
    dispatcher.finish(
        new RunUpdate(
            ctx.runId, RunStatus.CANCELLED.id(), null, null, "cancelled by request", now()));
  }

  /** A checkpoint of this run is durable: move its item on and release whatever it unblocks. */
  synchronized void committed(ExecutionRecord r) {
    StepState step = steps.get(r.stepId());
    ItemState item = step == null ? null : step.items.get(r.itemKey());
    if (item == null || item.attempt != r.attempt() || item.status.terminal()) {
      return;
    }
    item.spanId = r.spanId();
    switch (r.status()) {
      case SUCCEEDED -> {
        item.output = r.output().value();
        item.outputDigest = r.output().digest();
        terminal(step, item, ItemStatus.SUCCEEDED);
      }
      case SKIPPED -> {
        item.blocksDownstream = FailureCode.UPSTREAM.name().equals(r.errorCode());
        item.filtered = !item.blocksDownstream;
        terminal(step, item, ItemStatus.SKIPPED);
      }
      case FAILED -> {
        item.lastError = r.errorCode() + ": " + r.errorMessage();
        if (!cancelled
            && Retries.retryable(r.errorCode())
            && r.attempt() < step.def.retry().maxAttempts()) {
          ExecutionTask next = task(step, item, r.attempt() + 1);
          dispatcher.executeLater(next, step.def.retry().delayBeforeAttempt(r.attempt() + 1));
        } else {
          item.blocksDownstream = true;
          terminal(step, item, ItemStatus.FAILED);
        }
      }
    }
  }

  /** Beyond this many failed or retried items a finished run leaves no summary behind. */
  private static final int SUMMARY_LIMIT = 10_000;

  /**
   * What the database holds for this finished run, from memory: counts per step and outcome, the
   * failed and blocked items, the items with more than one attempt. Null when it would be too big.
   */
  synchronized RecordedRun.Summary summary() {
    Map<String, RecordedRun.Tally> tallies = new HashMap<>();
    Map<String, List<RecordedExecution>> failed = new LinkedHashMap<>();
    Map<String, Integer> retried = new HashMap<>();
    if (scope != null) {
      scope
          .recorded()
          .failedOrBlocked()
          .forEach(
              (step, rows) -> {
                for (RecordedExecution r : rows) {
                  if (!steps.get(step).items.containsKey(r.itemKey())) {
                    failed.computeIfAbsent(step, k -> new ArrayList<>()).add(r);
                  }
                }
              });
      scope
          .recorded()
          .retried()
          .forEach(
              (key, attempt) -> {
                int cut = key.indexOf('\u0000');
                if (!steps.get(key.substring(0, cut)).items.containsKey(key.substring(cut + 1))) {
                  retried.put(key, attempt);
                }
              });
    }
    for (StepState s : steps.values()) {
      tallies.put(s.id(), s.tally());
      for (ItemState i : s.items.values()) {
        if (i.attempt > 1) {
          retried.put(recordKey(s.id(), i.key), i.attempt);
        }
        if (i.status == ItemStatus.FAILED
            || (i.status == ItemStatus.SKIPPED && i.blocksDownstream)) {
          failed
              .computeIfAbsent(s.id(), k -> new ArrayList<>())
              .add(
                  new RecordedExecution(
                      s.id(),
                      i.key,
                      i.attempt,
                      i.status == ItemStatus.FAILED
                          ? ExecutionStatus.FAILED
                          : ExecutionStatus.SKIPPED,
                      i.status == ItemStatus.FAILED ? null : FailureCode.UPSTREAM.name(),
                      null,
                      i.spanId,
                      i.order,
                      false));
        }
      }
    }
    if (retried.size() > SUMMARY_LIMIT
        || failed.values().stream().mapToInt(List::size).sum() > SUMMARY_LIMIT) {
      return null;
    }
    failed
        .values()
        .forEach(l -> l.sort(java.util.Comparator.comparingLong(RecordedExecution::order)));
    return new RecordedRun.Summary(tallies, failed, retried);
  }

  /** Counts per step and status, for progress reports; kept as items move, so this is cheap. */
  synchronized Map<String, Map<String, Integer>> progress() {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    for (StepState s : steps.values()) {
      out.put(s.id(), s.counts());
    }
    return out;
  }

  // --- expansion -------------------------------------------------------------------------------

  private void maybeExpand(StepState s) {
    if (s.expanded) {
      return;
    }
    ForEach forEach = s.def.forEach();
    String itemWiseOver = forEach instanceof ForEach.ItemWise iw ? iw.upstreamStep() : null;
    boolean blocked = false;
    for (String dep : s.def.dependsOn()) {
      if (dep.equals(itemWiseOver)) {
        continue;
      }
      StepState d = steps.get(dep);
      if (!d.done) {
        return;
      }
      blocked |= d.blocking > 0;
    }
    s.expanded = true;
    if (!(forEach instanceof ForEach.None)) {
      s.spanId = dispatcher.stepStarted(ctx, s.id());
    }
    // Items recovered from checkpoints finish as they are created; the step is not done until all
    // exist.
    s.expanding = true;
    if (forEach instanceof ForEach.OverList over) {
      expandList(s, over, blocked);
    } else if (forEach instanceof ForEach.ItemWise iw) {
      s.upstreamBlocked = blocked;
      StepState upstream = steps.get(iw.upstreamStep());
      for (ItemState upstreamItem : upstream.itemsInOrder()) {
        if (upstreamItem.status.terminal()) {
          followItem(s, upstream, upstreamItem);
        }
      }
      if (scope != null) {
        // Selected items whose upstream item does not run again follow its recorded outcome.
        for (String key : scope.keysOf(s.id())) {
          RecordedExecution u = scope.followed().get(recordKey(upstream.id(), key));
          if (u != null && !upstream.items.containsKey(key) && !s.items.containsKey(key)) {
            followItem(s, upstream, ItemState.recorded(u));
          }
        }
      }
    } else {
      createItem(s, "0", 0, null, null, List.of(), blocked);
    }
    s.expanding = false;
    maybeDone(s);
  }

  private void expandList(StepState s, ForEach.OverList over, boolean blocked) {
    if (blocked) {
      createItem(s, "0", 0, null, null, List.of(), true);
      return;
    }
    JsonNode list;
    try {
      list = over.expression().evaluate(bindings(s, null));
    } catch (RuntimeException e) {
      failWithoutRunning(s, "0", 0, "forEach of step " + s.id() + " failed: " + e.getMessage());
      return;
    }
    if (!list.isArray()) {
      failWithoutRunning(
          s,
          "0",
          0,
          "forEach of step "
              + s.id()
              + " must give a list, got "
              + list.getNodeType().name().toLowerCase());
      return;
    }
    List<Reference> sources = over.expression().references();
    for (int i = 0; i < list.size(); i++) {
      String key = Integer.toString(i);
      if (rebuilt(s, key)) {
        createItem(s, key, i, list.get(i), null, originEdges(sources, i), false);
      }
    }
  }

  /**
   * Where element i of a forEach list came from: the record of an upload, or an upstream output.
   */
  private List<LineageEdge> originEdges(List<Reference> sources, int i) {
    List<LineageEdge> edges = new ArrayList<>();
    for (Reference ref : sources) {
      String path = ref.path() + "[" + i + "]";
      switch (ref.kind()) {
        case INPUT ->
            edges.add(
                LineageEdge.fromInput(
                    ctx.ndjson && ref.path().equals("input.records") ? Integer.toString(i) : null,
                    path));
        case STEP_OUTPUT -> {
          ItemState only = steps.get(ref.stepId()).items.get("0");
          edges.add(new LineageEdge(ref.stepId(), "0", only.attempt, path));
        }
        default -> {}
      }
    }
    return edges;
  }

  /** Whether an item of a forEach step is rebuilt: always, except outside a redrive's selection. */
  private boolean rebuilt(StepState s, String key) {
    return scope == null
        || scope.whole().contains(s.id())
        || selectedKeys.get(s.id()).contains(key);
  }

  private void followItem(StepState s, StepState upstream, ItemState u) {
    if (u.filtered) {
      return;
    }
    List<LineageEdge> origin = List.of(new LineageEdge(upstream.id(), u.key, u.attempt, "item"));
    createItem(s, u.key, u.order, null, u, origin, s.upstreamBlocked || u.blocksDownstream);
  }

  private void createItem(
      StepState s,
      String key,
      long order,
      JsonNode item,
      ItemState follows,
      List<LineageEdge> origin,
      boolean blocked) {
    ItemState state = new ItemState(key, order, item, follows, origin);
    s.items.put(key, state);
    s.setStatus(state, ItemStatus.PENDING);
    s.unfinished++;
    RecordedExecution past = recorded.remove(recordKey(s.id(), key));
    if (past != null && !past.rerun() && finalOutcome(s, past)) {
      state.attempt = past.attempt();
      state.outputDigest = past.outputDigest();
      state.spanId = past.spanId();
      switch (past.status()) {
        case SUCCEEDED -> terminal(s, state, ItemStatus.SUCCEEDED);
        case SKIPPED -> {
          state.blocksDownstream = FailureCode.UPSTREAM.name().equals(past.errorCode());
          state.filtered = !state.blocksDownstream;
          terminal(s, state, ItemStatus.SKIPPED);
        }
        case FAILED -> {
          state.blocksDownstream = true;
          terminal(s, state, ItemStatus.FAILED);
        }
      }
      return;
    }
    int attempt = past == null ? 1 : past.attempt() + 1;
    state.attempt = attempt;
    if (past != null) {
      state.replacedSpanId = past.spanId();
      state.lastError = past.errorCode();
    }
    if (cancelled) {
      return;
    }
    if (blocked) {
      s.setStatus(state, ItemStatus.RUNNING);
      dispatcher.record(
          withoutRunning(
              s,
              state,
              ExecutionStatus.SKIPPED,
              FailureCode.UPSTREAM.name(),
              "skipped: an upstream item failed"));
      return;
    }
    if (s.def.when() != null) {
      boolean run;
      try {
        JsonNode verdict = s.def.when().evaluate(bindings(s, state));
        run = verdict.isBoolean() && verdict.booleanValue();
        if (!verdict.isBoolean()) {
          throw new IllegalArgumentException("when must give true or false, got " + verdict);
        }
      } catch (RuntimeException e) {
        s.setStatus(state, ItemStatus.RUNNING);
        dispatcher.record(
            withoutRunning(
                s,
                state,
                ExecutionStatus.FAILED,
                FailureCode.EXPRESSION.name(),
                "when of step " + s.id() + ": " + e.getMessage()));
        return;
      }
      if (!run) {
        s.setStatus(state, ItemStatus.RUNNING);
        dispatcher.record(
            withoutRunning(s, state, ExecutionStatus.SKIPPED, null, "when: condition was false"));
        return;
      }
    }
    s.setStatus(state, ItemStatus.PENDING);
    dispatcher.execute(task(s, state, attempt));
  }

  private boolean finalOutcome(StepState s, RecordedExecution past) {
    return past.status() != ExecutionStatus.FAILED
        || !Retries.retryable(past.errorCode())
        || past.attempt() >= s.def.retry().maxAttempts();
  }

  private void failWithoutRunning(StepState s, String key, long order, String message) {
    ItemState state = new ItemState(key, order, null, null, List.of());
    s.items.put(key, state);
    s.setStatus(state, ItemStatus.PENDING);
    s.unfinished++;
    RecordedExecution past = recorded.remove(recordKey(s.id(), key));
    state.attempt = past == null ? 1 : past.attempt() + 1;
    s.setStatus(state, ItemStatus.RUNNING);
    dispatcher.record(
        withoutRunning(s, state, ExecutionStatus.FAILED, FailureCode.EXPRESSION.name(), message));
  }

  private ExecutionRecord withoutRunning(
      StepState s, ItemState item, ExecutionStatus status, String code, String message) {
    PinnedFunction fn = ctx.function(s.def.function());
    return ExecutionRecord.withoutCall(
        ctx.runId,
        ctx.workflow,
        s.id(),
        item.key,
        item.attempt,
        item.order,
        status,
        fn.ref(),
        fn.digest(),
        code,
        message,
        now(),
        ctx.traceId,
        List.of());
  }

  // --- completion ------------------------------------------------------------------------------

  private void terminal(StepState s, ItemState item, ItemStatus status) {
    s.setStatus(item, status);
    s.unfinished--;
    if (item.blocksDownstream) {
      s.blocking++;
    }
    for (StepState d : downstream.getOrDefault(s.id(), List.of())) {
      if (d.expanded
          && d.def.forEach() instanceof ForEach.ItemWise iw
          && iw.upstreamStep().equals(s.id())) {
        followItem(d, s, item);
      }
    }
    maybeDone(s);
  }

  private void maybeDone(StepState s) {
    if (s.done || !s.expanded || s.expanding || s.unfinished > 0) {
      return;
    }
    if (s.def.forEach() instanceof ForEach.ItemWise iw && !steps.get(iw.upstreamStep()).done) {
      return;
    }
    s.done = true;
    if (s.spanId != null) {
      dispatcher.stepFinished(ctx, s.id(), s.counts());
    }
    for (StepState d : downstream.getOrDefault(s.id(), List.of())) {
      maybeExpand(d);
      maybeDone(d);
    }
    maybeFinish();
  }

  private void maybeFinish() {
    if (finishing) {
      return;
    }
    for (StepState s : steps.values()) {
      if (!s.done) {
        return;
      }
    }
    finishing = true;
    List<String> failedSteps = new ArrayList<>();
    int failedItems = 0;
    for (StepState s : steps.values()) {
      int failed = s.failed();
      if (failed > 0) {
        failedSteps.add(s.id());
        failedItems += failed;
      }
    }
    if (!failedSteps.isEmpty()) {
      dispatcher.finish(
          new RunUpdate(
              ctx.runId,
              RunStatus.FAILED.id(),
              null,
              "STEP_FAILED",
              failedItems
                  + " item(s) failed in step(s) "
                  + String.join(", ", failedSteps)
                  + "; list them with GET /api/v1/runs/"
                  + ctx.runId
                  + "/steps/"
                  + failedSteps.get(0)
                  + "/items?status=failed",
              now()));
      return;
    }
    Payload output = null;
    if (ctx.definition.output() != null) {
      try {
        output = Payload.of(ctx.definition.output().evaluate(bindings(null, null)));
      } catch (RuntimeException e) {
        dispatcher.finish(
            new RunUpdate(
                ctx.runId,
                RunStatus.FAILED.id(),
                null,
                FailureCode.EXPRESSION.name(),
                "output: " + e.getMessage(),
                now()));
        return;
      }
    }
    dispatcher.finish(
        new RunUpdate(ctx.runId, RunStatus.SUCCEEDED.id(), output, null, null, now()));
  }

  // --- inputs ----------------------------------------------------------------------------------

  private ExecutionTask task(StepState s, ItemState item, int attempt) {
    item.attempt = attempt;
    Map<String, Object> stepValues = new HashMap<>();
    Map<String, String> recordedSpans = new HashMap<>();
    List<LineageEdge> edges = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Reference ref : s.def.input().references()) {
      if (!seen.add(ref.kind() + ":" + ref.stepId() + ":" + ref.path())) {
        continue;
      }
      switch (ref.kind()) {
        case INPUT -> edges.add(LineageEdge.fromInput(null, ref.path()));
        case ITEM -> {
          for (LineageEdge o : item.origin) {
            // item-wise: the path read from the upstream item; over a list: where the element came
            // from
            String path = "item".equals(o.path()) ? ref.path() : o.path();
            edges.add(new LineageEdge(o.fromStep(), o.fromKey(), o.fromAttempt(), path));
          }
        }
        case STEP_OUTPUT -> {
          StepState p = steps.get(ref.stepId());
          ItemState only = p.items.get("0");
          stepValues.put(p.id(), Map.of("output", celOutput(p)));
          edges.add(new LineageEdge(p.id(), "0", only.attempt, ref.path()));
        }
        case STEP_ITEMS -> {
          StepState p = steps.get(ref.stepId());
          FanIn fanIn = fanIn(p);
          for (FanIn.Entry e : fanIn.entries()) {
            edges.add(new LineageEdge(p.id(), e.key(), e.attempt(), ref.path()));
            if (e.spanId() != null && !p.items.containsKey(e.key())) {
              recordedSpans.put(recordKey(p.id(), e.key()), e.spanId());
            }
          }
          stepValues.put(p.id(), fanIn);
        }
        case RUN -> {}
      }
    }
    List<String> upstreamSpans = new ArrayList<>();
    for (LineageEdge e : edges) {
      ItemState from = e.fromStep() == null ? null : steps.get(e.fromStep()).items.get(e.fromKey());
      String span =
          from != null
              ? from.spanId
              : e.fromStep() == null
                  ? null
                  : recordedSpans.get(recordKey(e.fromStep(), e.fromKey()));
      if (span != null) {
        upstreamSpans.add(span);
      }
    }
    return ExecutionTask.of(
        this, s, item, attempt, itemValue(item), stepValues, dedupe(edges), upstreamSpans);
  }

  private static List<LineageEdge> dedupe(List<LineageEdge> edges) {
    return new ArrayList<>(new LinkedHashSet<>(edges));
  }

  private Object celOutput(StepState p) {
    if (p.celOutput == null) {
      ItemState only = p.items.get("0");
      p.celOutput = CelValues.toCel(output(only));
    }
    return p.celOutput;
  }

  /** Bindings for expressions evaluated here (forEach, when, output), on the current state. */
  private Bindings bindings(StepState s, ItemState item) {
    return new Bindings() {
      @Override
      public Object celValue(String variable) {
        return switch (variable) {
          case "input" -> ctx.inputCel();
          case "run" -> ctx.runCel();
          case "item" -> {
            JsonNode value = item == null ? null : itemValue(item);
            yield value == null ? null : CelValues.toCel(value);
          }
          case "steps" -> stepsForExpression();
          default -> null;
        };
      }

      // forEach: ${{ input.records }} over 100,000 records must not convert them all to CEL.
      @Override
      public JsonNode jsonValue(String variable) {
        return switch (variable) {
          case "input" -> ctx.input;
          case "item" -> item == null ? null : itemValue(item);
          default -> null;
        };
      }
    };
  }

  private Map<String, Object> stepsForExpression() {
    Map<String, Object> all = new HashMap<>();
    for (StepState p : steps.values()) {
      if (!p.done) {
        continue;
      }
      if (p.def.forEach() instanceof ForEach.None) {
        ItemState only = p.items.get("0");
        if (only != null && only.status == ItemStatus.SUCCEEDED) {
          all.put(p.id(), Map.of("output", celOutput(p)));
        }
      } else {
        all.put(p.id(), Map.of("items", fanIn(p).celValue()));
      }
    }
    return all;
  }

  /** The value bound to {@code item}; an item-wise item's is built from its upstream's output. */
  private JsonNode itemValue(ItemState i) {
    if (i.item == null && i.follows != null) {
      ObjectNode value = JsonNodeFactory.instance.objectNode();
      value.put("key", i.follows.key);
      value.set("output", output(i.follows));
      i.item = value;
    }
    return i.item;
  }

  /** A succeeded item's output, read from the payload store if only its digest is known. */
  private JsonNode output(ItemState i) {
    if (i.output == null && i.outputDigest != null) {
      i.output = dispatcher.payloads(List.of(i.outputDigest)).get(i.outputDigest);
      if (i.output == null) {
        throw new IllegalStateException(
            "payload " + i.outputDigest + " of an output of run " + ctx.runId + " is missing");
      }
    }
    return i.output;
  }

  /**
   * The succeeded items of a step, in item order: those rebuilt here and, in a redrive, the
   * recorded ones it left alone (read from the database, once per step).
   */
  private FanIn fanIn(StepState p) {
    List<FanIn.Entry> entries = new ArrayList<>();
    List<Long> orders = new ArrayList<>();
    for (ItemState i : p.itemsInOrder()) {
      if (i.status == ItemStatus.SUCCEEDED) {
        entries.add(new FanIn.Entry(i.key, i.attempt, i.output, i.outputDigest, i.spanId));
        orders.add(i.order);
      }
    }
    if (scope != null && !scope.whole().contains(p.id())) {
      List<FanIn.Entry> merged = new ArrayList<>();
      int next = 0;
      for (RecordedExecution r : scope.recorded().succeeded(p.id())) {
        if (p.items.containsKey(r.itemKey())) {
          continue;
        }
        while (next < entries.size() && orders.get(next) < r.order()) {
          merged.add(entries.get(next++));
        }
        merged.add(new FanIn.Entry(r.itemKey(), r.attempt(), null, r.outputDigest(), r.spanId()));
      }
      merged.addAll(entries.subList(next, entries.size()));
      entries = merged;
    }
    return new FanIn(entries, dispatcher, ctx.runId);
  }

  /**
   * The succeeded items of a forEach step, converted to {@code [{key, output}]} when read. Outputs
   * known only by digest are read then, in one batch, on the reading thread: a worker, for a fan-in
   * input, so that reading 100,000 payloads never holds up the checkpoint writer.
   */
  record FanIn(List<Entry> entries, Dispatcher dispatcher, String runId) {
    record Entry(String key, int attempt, JsonNode output, String digest, String spanId) {}

    Object celValue() {
      List<String> missing = new ArrayList<>();
      for (Entry e : entries) {
        if (e.output() == null) {
          missing.add(e.digest());
        }
      }
      Map<String, JsonNode> read = missing.isEmpty() ? Map.of() : dispatcher.payloads(missing);
      List<Object> list = new ArrayList<>(entries.size());
      for (Entry e : entries) {
        JsonNode output = e.output() != null ? e.output() : read.get(e.digest());
        if (output == null) {
          throw new IllegalStateException(
              "payload " + e.digest() + " of an output of run " + runId + " is missing");
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("key", e.key());
        entry.put("output", CelValues.toCel(output));
        list.add(entry);
      }
      return list;
    }
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
