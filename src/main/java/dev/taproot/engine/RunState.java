package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taproot.checkpoint.AttemptRef;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.checkpoint.RunError;
import dev.taproot.checkpoint.RunUpdate;
import dev.taproot.checkpoint.StoreException;
import dev.taproot.checkpoint.StoredRecord;
import dev.taproot.definition.ForEach;
import dev.taproot.definition.StepDefinition;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.expression.ExpressionException;
import dev.taproot.expression.Reference;
import dev.taproot.function.FailureCode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state machine of one live run: which items exist and which are ready, decided from committed
 * checkpoints only. All methods run under the instance lock, on the checkpoint writer's thread or
 * an API thread; executions happen elsewhere ({@link Dispatcher}), and what an item is given is
 * built by {@link ItemInputs}.
 */
final class RunState {
  final RunContext ctx;
  private final Dispatcher dispatcher;
  private final Map<String, StepState> steps = new LinkedHashMap<>();
  private final Map<String, List<StepState>> downstream = new HashMap<>();
  private final Map<ItemRef, RecordedAttempt> recorded;

  /** Items a redrive selected: their recorded attempt is history, not a result. */
  private final Set<ItemRef> rerun;

  /** Null when every item is rebuilt (a new or resumed run); set for a redrive. */
  private final RedriveScope scope;

  /** Null for the run's coordinator; set when this schedules one partition of the run's items. */
  private final PartitionScope partition;

  /**
   * Per step, by {@link ItemStatus} ordinal, the final outcomes recorded for items not made yet (of
   * a resumed run, or of a unit taken over): shown under their status rather than as pending, since
   * each ends so the moment it is made.
   */
  private final Map<String, int[]> endedAhead = new HashMap<>();

  private final ItemInputs inputs;
  private volatile boolean cancelled;
  private boolean finishing;
  private boolean started;

  RunState(RunContext ctx, Dispatcher dispatcher, Map<ItemRef, RecordedAttempt> recorded) {
    this(ctx, dispatcher, recorded, Set.of(), null, null);
  }

  RunState(
      RunContext ctx,
      Dispatcher dispatcher,
      Map<ItemRef, RecordedAttempt> recorded,
      Set<ItemRef> rerun,
      RedriveScope scope,
      PartitionScope partition) {
    this.ctx = ctx;
    this.dispatcher = dispatcher;
    this.recorded = new HashMap<>(recorded);
    this.rerun = Set.copyOf(rerun);
    this.scope = scope;
    this.partition = partition;
    Map<String, Integer> depth = new HashMap<>();
    for (String id : ctx.definition.topologicalOrder()) {
      if (partition != null && !partition.steps().contains(id)) {
        continue;
      }
      StepDefinition def = ctx.definition.steps().get(id);
      int d = def.dependsOn().stream().mapToInt(dep -> depth.get(dep) + 1).max().orElse(0);
      depth.put(id, d);
      StepState step = new StepState(def, d);
      if (scope != null) {
        step.recover(scope.tally(id));
      }
      steps.put(id, step);
    }
    for (StepState s : steps.values()) {
      for (String dep : s.def.dependsOn()) {
        downstream.computeIfAbsent(dep, k -> new ArrayList<>()).add(s);
      }
    }
    for (StepState s : steps.values()) {
      s.onlyFollowed =
          onlyFollowed(ctx.definition, s.def, downstream.getOrDefault(s.id(), List.of()));
    }
    if (scope == null) {
      this.recorded.values().forEach(r -> countAhead(r, 1));
    }
    this.inputs = new ItemInputs(this, steps, dispatcher, scope);
  }

  private void countAhead(RecordedAttempt r, int delta) {
    StepState s = steps.get(r.step());
    if (s == null || !finalOutcome(s, r.outcome(), r.attempt())) {
      return;
    }
    int[] byStatus = endedAhead.computeIfAbsent(s.id(), k -> new int[ItemStatus.values().length]);
    byStatus[ItemStatus.of(r.outcome()).ordinal()] += delta;
  }

  /**
   * Whether a forEach step's outputs are read only by item-wise followers, each its own item's, and
   * never as a whole (a fan-in, {@code steps.X.items} in an input or {@code when}, the run's
   * output).
   */
  private static boolean onlyFollowed(
      WorkflowDefinition def, StepDefinition step, List<StepState> readers) {
    if (!step.hasForEach()) {
      return false;
    }
    if (def.output() != null && mentions(def.output().references(), step.id())) {
      return false;
    }
    for (StepState d : readers) {
      if (!d.def.followsItemsOf(step.id())
          || mentions(d.def.input().references(), step.id())
          || (d.def.when() != null && mentions(d.def.when().references(), step.id()))) {
        return false;
      }
    }
    return true;
  }

  private static boolean mentions(List<Reference> references, String step) {
    return references.stream().anyMatch(r -> step.equals(r.stepId()));
  }

  synchronized void start() {
    started = true;
    for (StepState s : steps.values()) {
      maybeExpand(s);
    }
    maybeFinish();
  }

  /**
   * Whether {@link #start} ran: before it, the steps of a unit taken over show none of what the
   * unit recorded under earlier leases.
   */
  synchronized boolean started() {
    return started;
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
    dispatcher.finish(ctx, RunUpdate.cancelled(ctx.runId, ctx.generation, now()));
  }

  /**
   * Stops scheduling without a word to the database: the lease this worked under is lost, and
   * whoever holds the work now (or the control action that changed the run) has the last word.
   */
  synchronized void stop() {
    cancelled = true;
    finishing = true;
  }

  /** Whether this has said its last word (a final status, a cancel, a partition done). */
  synchronized boolean finishing() {
    return finishing;
  }

  /**
   * Ends the run as failed after a fault of the engine itself, so that it never stays running with
   * nothing scheduled.
   */
  synchronized void abort(String what, RuntimeException e) {
    if (finishing) {
      return;
    }
    finishing = true;
    cancelled = true;
    dispatcher.finish(
        ctx,
        RunUpdate.failed(
            ctx.runId,
            ctx.generation,
            new RunError(RunError.Code.INTERNAL, "engine error while " + what + ": " + e),
            now()));
  }

  /**
   * A checkpoint of this run is durable: move its item on and release whatever it unblocks. The
   * output value is null when only its digest is known (it is then read when consumed).
   */
  synchronized void committed(AttemptRef a, Outcome outcome, JsonNode output, String spanId) {
    StepState step = steps.get(a.step());
    ItemState item = step == null ? null : step.items.get(a.key());
    if (item == null || item.attempt != a.number() || item.status.terminal()) {
      return;
    }
    item.spanId = spanId;
    item.outcome = outcome;
    if (outcome instanceof Outcome.Succeeded) {
      item.output = output;
    }
    if (outcome instanceof Outcome.Failed f) {
      item.lastError = f.code() + ": " + f.message();
      if (!cancelled
          && Retries.retryable(f.code())
          && a.number() < step.def.retry().maxAttempts()) {
        dispatchLater(step, item, a.number() + 1);
        return;
      }
    }
    terminal(step, item);
  }

  /** Counts per step and status, for progress reports; kept as items move, so this is cheap. */
  synchronized Map<String, Map<String, Integer>> progress() {
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    for (StepState s : steps.values()) {
      Map<String, Integer> counts = s.counts();
      int ended = 0;
      int[] ahead = endedAhead.get(s.id());
      if (ahead != null) {
        for (ItemStatus status : ItemStatus.values()) {
          counts.merge(status.id(), ahead[status.ordinal()], Integer::sum);
          ended += ahead[status.ordinal()];
        }
      }
      counts.merge("pending", Math.max(0, unmade(s) - ended), Integer::sum);
      out.put(s.id(), counts);
    }
    return out;
  }

  /**
   * Items of a step not made yet that may still run, so that pending says what is left, not what
   * fits in a window: the records of an upload not read yet, and one for each item of an item-wise
   * upstream that has not ended (fewer in the end when the upstream's {@code when} filters some),
   * and, before it starts, one for each of the upstream's ended items its {@code when} let through.
   * A cancelled run makes nothing more.
   */
  private int unmade(StepState s) {
    if (cancelled) {
      return 0;
    }
    int n = s.records == null ? 0 : unread(s);
    String over = s.def.itemWiseUpstream().orElse(null);
    StepState upstream = over == null ? null : steps.get(over);
    if (upstream != null && (s.expanded || scope == null)) {
      n += upstream.unfinished + unmade(upstream);
      if (!s.expanded) {
        // Waiting for another step as well: it follows the upstream's ended items when it starts.
        // (A redrive's follower takes its selection instead, so it is not estimated.)
        n += upstream.endedToFollow();
      }
    }
    return n;
  }

  /** Records of a step over an upload not read yet that will be: a redrive reads its selection. */
  private int unread(StepState s) {
    StepState.RecordWindow w = s.records;
    if (scope == null || scope.wholeStep(s.id())) {
      return w.count - w.next;
    }
    return scope.selectedRecordsFrom(s.id(), w.next);
  }

  /** What the database holds for this run once finished; null when too big to keep. */
  synchronized RecordedRun.Summary summary() {
    return FinishedSummary.of(steps.values(), scope);
  }

  // --- expansion -------------------------------------------------------------------------------

  private void maybeExpand(StepState s) {
    if (s.expanded) {
      return;
    }
    String itemWiseOver = s.def.itemWiseUpstream().orElse(null);
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
    if (s.def.hasForEach()) {
      s.spanId = dispatcher.stepStarted(ctx, s.id());
    }
    // Items recovered from checkpoints finish as they are created; the step is not done until all
    // exist.
    s.expanding = true;
    if (s.def.forEach() instanceof ForEach.OverList over) {
      expandList(s, over, blocked);
    } else if (itemWiseOver != null) {
      s.upstreamBlocked = blocked;
      StepState upstream = steps.get(itemWiseOver);
      for (ItemState upstreamItem : upstream.itemsInOrder()) {
        if (upstreamItem.status.terminal()) {
          followItem(s, upstreamItem);
        }
      }
      if (scope != null) {
        // Selected items whose upstream item does not run again follow its recorded outcome.
        for (String key : scope.keysOf(s.id())) {
          RecordedAttempt u = scope.followed(new ItemRef(upstream.id(), key));
          if (u != null && !upstream.items.containsKey(key) && !s.items.containsKey(key)) {
            followItem(s, ItemState.recorded(u));
          }
        }
      }
    } else {
      createItem(s, ItemState.single(s.id()), blocked);
    }
    s.expanding = false;
    maybeDone(s);
  }

  private void expandList(StepState s, ForEach.OverList over, boolean blocked) {
    if (blocked) {
      createItem(s, ItemState.single(s.id()), true);
      return;
    }
    if (overStreamedRecords(over)) {
      int total = ctx.input.recordCount();
      s.records =
          new StepState.RecordWindow(
              partition == null ? 0 : (int) Math.min(total, partition.range().first()),
              partition == null ? total : (int) Math.min(total, partition.range().end()),
              over.expression().references());
      refill(s);
      return;
    }
    JsonNode list;
    try {
      list = over.expression().evaluate(inputs.bindings(null));
    } catch (ExpressionException | StoreException | MissingPayloadException e) {
      failWithoutRunning(s, failure(e, "forEach of step " + s.id() + " failed: "));
      return;
    }
    if (!list.isArray()) {
      failWithoutRunning(
          s,
          new Outcome.Failed(
              FailureCode.EXPRESSION,
              "forEach of step "
                  + s.id()
                  + " must give a list, got "
                  + list.getNodeType().name().toLowerCase()));
      return;
    }
    List<Reference> sources = over.expression().references();
    int first = partition == null ? 0 : (int) Math.min(list.size(), partition.range().first());
    int end =
        partition == null ? list.size() : (int) Math.min(list.size(), partition.range().end());
    for (int i = first; i < end; i++) {
      String key = Integer.toString(i);
      if (rebuilt(s, key)) {
        createItem(
            s,
            ItemState.ofValue(s.id(), key, i, list.get(i), inputs.originEdges(sources, i)),
            false);
      }
    }
  }

  /**
   * Whether a forEach is exactly {@code input.records} of an x-ndjson upload read from the store:
   * its items are then created a window at a time ({@link #refill}), not all at once.
   */
  private boolean overStreamedRecords(ForEach.OverList over) {
    return ctx.input.streamed()
        && over.expression()
            .soleReference()
            .filter(r -> r.kind() == Reference.Kind.INPUT && r.path().equals("input.records"))
            .isPresent();
  }

  /**
   * Creates the next items of a step over streamed records while fewer than {@link
   * StepState.RecordWindow#SIZE} of them are unfinished, reading their values a chunk at a time: a
   * run over millions of records holds the values of one window, not of every record. Called again
   * whenever one of its items ends; loops rather than recurses when recovered items end at once.
   */
  private void refill(StepState s) {
    StepState.RecordWindow w = s.records;
    if (w == null || w.refilling) {
      return;
    }
    w.refilling = true;
    try {
      while (w.next < w.count && s.unfinished < StepState.RecordWindow.SIZE && !cancelled) {
        int from = w.next;
        int to = Math.min(w.count, from + StepState.RecordWindow.CHUNK);
        w.next = to;
        if (scope != null && !anyRebuilt(s, from, to)) {
          continue; // a redrive reads only the chunks that hold a selected record
        }
        List<StoredRecord> records = ctx.input.records(from, to);
        for (int i = from; i < to; i++) {
          String key = Integer.toString(i);
          if (rebuilt(s, key)) {
            ItemState item =
                ItemState.ofRecord(
                    s.id(), i, records.get(i - from), inputs.originEdges(w.sources, i));
            createItem(s, item, false);
          }
        }
      }
    } catch (StoreException | MissingPayloadException e) {
      abort("reading the records of step " + s.id(), e);
    } finally {
      w.refilling = false;
    }
  }

  private boolean anyRebuilt(StepState s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (rebuilt(s, Integer.toString(i))) {
        return true;
      }
    }
    return false;
  }

  /** Whether an item of a forEach step is rebuilt: always, except outside a redrive's selection. */
  private boolean rebuilt(StepState s, String key) {
    return scope == null || scope.rebuilds(s.id(), key);
  }

  private void followItem(StepState s, ItemState u) {
    if (u.filtered()) {
      return;
    }
    createItem(s, ItemState.following(s.id(), u), s.upstreamBlocked || u.blocksDownstream());
  }

  private void createItem(StepState s, ItemState state, boolean blocked) {
    RecordedAttempt past = add(s, state);
    if (past != null
        && !rerun.contains(new ItemRef(s.id(), state.key))
        && finalOutcome(s, past.outcome(), past.attempt())) {
      state.attempt = past.attempt();
      state.spanId = past.spanId();
      state.outcome = past.outcome();
      terminal(s, state);
      return;
    }
    state.attempt = past == null ? 1 : past.attempt() + 1;
    if (past != null) {
      state.replacedSpanId = past.spanId();
      state.lastError = past.outcome().code() == null ? null : past.outcome().code().name();
    }
    if (cancelled) {
      return;
    }
    if (blocked) {
      recordWithoutRunning(s, state, Outcome.Skipped.byUpstream());
      return;
    }
    if (s.def.when() != null) {
      JsonNode verdict;
      try {
        verdict = s.def.when().evaluate(inputs.bindings(state));
      } catch (ExpressionException | StoreException | MissingPayloadException e) {
        recordWithoutRunning(s, state, failure(e, "when of step " + s.id() + ": "));
        return;
      }
      if (!verdict.isBoolean()) {
        recordWithoutRunning(
            s,
            state,
            new Outcome.Failed(
                FailureCode.EXPRESSION,
                "when of step " + s.id() + ": when must give true or false, got " + verdict));
        return;
      }
      if (!verdict.booleanValue()) {
        recordWithoutRunning(s, state, Outcome.Skipped.byWhen());
        return;
      }
    }
    dispatch(s, state, state.attempt);
  }

  /**
   * Whether a recorded attempt is the item's last word: no retry is left for it. An interrupted
   * attempt ({@code Cancelled}) never is: it did not end, it was stopped.
   */
  private static boolean finalOutcome(StepState s, Outcome outcome, int attempt) {
    if (outcome instanceof Outcome.Cancelled) {
      return false;
    }
    return !(outcome instanceof Outcome.Failed f)
        || !Retries.retryable(f.code())
        || attempt >= s.def.retry().maxAttempts();
  }

  /**
   * An expression that failed is the definition's or the data's fault ({@code EXPRESSION}, not
   * retried); a value that could not be read is the database's ({@code INTERNAL}, retried).
   */
  private static Outcome.Failed failure(RuntimeException e, String prefix) {
    return new Outcome.Failed(
        e instanceof ExpressionException ? FailureCode.EXPRESSION : FailureCode.INTERNAL,
        prefix + e.getMessage());
  }

  private void dispatch(StepState s, ItemState item, int attempt) {
    item.attempt = attempt;
    s.setStatus(item, ItemStatus.PENDING);
    try {
      dispatcher.execute(inputs.task(s, item, attempt));
    } catch (StoreException | MissingPayloadException e) {
      recordWithoutRunning(
          s, item, failure(e, "could not read the input of step " + s.id() + ": "));
    }
  }

  private void dispatchLater(StepState s, ItemState item, int attempt) {
    item.attempt = attempt;
    try {
      dispatcher.executeLater(
          inputs.task(s, item, attempt), s.def.retry().delayBeforeAttempt(attempt));
    } catch (StoreException | MissingPayloadException e) {
      recordWithoutRunning(
          s, item, failure(e, "could not read the input of step " + s.id() + ": "));
    }
  }

  /**
   * Adds {@code state} to its step as pending and takes the attempt a checkpoint recorded for it,
   * if any (null otherwise).
   */
  private RecordedAttempt add(StepState s, ItemState state) {
    s.items.put(state.key, state);
    s.setStatus(state, ItemStatus.PENDING);
    s.unfinished++;
    RecordedAttempt past = recorded.remove(new ItemRef(s.id(), state.key));
    if (past != null && scope == null) {
      countAhead(past, -1);
    }
    return past;
  }

  private void failWithoutRunning(StepState s, Outcome.Failed failure) {
    ItemState state = ItemState.single(s.id());
    RecordedAttempt past = add(s, state);
    state.attempt = past == null ? 1 : past.attempt() + 1;
    recordWithoutRunning(s, state, failure);
  }

  private void recordWithoutRunning(StepState s, ItemState item, Outcome outcome) {
    s.setStatus(item, ItemStatus.RUNNING);
    dispatcher.record(AttemptRecords.withoutCall(ctx, s, item, outcome, List.of()));
  }

  // --- completion ------------------------------------------------------------------------------

  private void terminal(StepState s, ItemState item) {
    s.setStatus(item, ItemStatus.of(item.outcome));
    s.unfinished--;
    if (item.filtered()) {
      s.filtered++;
    }
    if (item.blocksDownstream()) {
      s.blocking++;
    }
    for (StepState d : downstream.getOrDefault(s.id(), List.of())) {
      if (d.expanded && d.followsItemsOf(s.id())) {
        followItem(d, item);
      }
    }
    if (s.def.hasForEach()) {
      // An ended item of a forEach keeps its outcome, not the value it was given: nothing reads
      // that again. Its output goes too when only item-wise followers read it: those made above
      // captured it, and one made later reads it by digest, as after a restart. Otherwise a run
      // would hold every item's value and output until it ends; a fan-in's upstream keeps them.
      item.item = null;
      item.recordDigest = null;
      if (s.onlyFollowed) {
        item.output = null;
      }
    }
    if (s.records != null) {
      refill(s);
    }
    maybeDone(s);
  }

  private void maybeDone(StepState s) {
    if (s.done || !s.expanded || s.expanding || s.unfinished > 0 || s.recordsLeft()) {
      return;
    }
    String over = s.def.itemWiseUpstream().orElse(null);
    if (over != null && !steps.get(over).done) {
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
    if (partition != null) {
      // The run's verdict is its coordinator's, once every partition is done.
      dispatcher.partitionDone(ctx);
      return;
    }
    dispatcher.finish(ctx, RunVerdict.of(ctx, steps.values(), inputs.bindings(null)));
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }
}
