package dev.taproot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.taproot.checkpoint.AttemptRef;
import dev.taproot.checkpoint.ExecutionRecord;
import dev.taproot.checkpoint.ItemRange;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.Lease;
import dev.taproot.checkpoint.Outcome;
import dev.taproot.checkpoint.Payload;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.checkpoint.RunUpdate;
import dev.taproot.checkpoint.SpanRef;
import dev.taproot.checkpoint.ValueAt;
import dev.taproot.definition.Definitions;
import dev.taproot.definition.FunctionAlias;
import dev.taproot.definition.WorkflowDefinition;
import dev.taproot.function.FailureCode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assertions;

/**
 * A {@link Dispatcher} that runs nothing: it keeps what the scheduler asks for, and the test plays
 * the workers and the checkpoint writer by committing outcomes back into the {@link RunState}, on
 * its own thread, the way the engine does once the writer has committed.
 */
final class RecordingDispatcher implements Dispatcher {
  static final String RUN_ID = "run-1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, WorkflowDefinition> DEFINITIONS = new ConcurrentHashMap<>();

  /** An attempt handed to {@link #executeLater}, with its wait. */
  record Delayed(ExecutionTask task, Duration delay) {}

  final RunContext ctx;
  private RunState run;

  /** Every attempt queued for a worker, in the order the scheduler queued it. */
  final List<ExecutionTask> executed = new ArrayList<>();

  private final List<ExecutionTask> queue = new ArrayList<>();

  /** Retries, in the order the scheduler asked for them. */
  final List<Delayed> delayed = new ArrayList<>();

  /** Checkpoints of attempts that ran no function, in the order they were asked for. */
  final List<ExecutionRecord> records = new ArrayList<>();

  private final ArrayDeque<ExecutionRecord> unwritten = new ArrayDeque<>();
  final List<String> stepsStarted = new ArrayList<>();
  final List<String> stepsFinished = new ArrayList<>();
  final List<RunUpdate> updates = new ArrayList<>();
  int partitionsDone;

  /** What the payload store holds, by digest. */
  private final Map<String, JsonNode> stored = new HashMap<>();

  /** Every digest the scheduler or a fan-in read from the payload store. */
  final List<String> payloadReads = new ArrayList<>();

  RecordingDispatcher(String yaml, String input) {
    this(yaml, RunInput.of(json(input)), false);
  }

  /** A run of {@code yaml} on {@code input}, an x-ndjson upload when {@code ndjson}. */
  RecordingDispatcher(String yaml, RunInput input, boolean ndjson) {
    WorkflowDefinition def = definition(yaml);
    Map<String, PinnedFunction> functions = new LinkedHashMap<>();
    for (FunctionAlias a : def.functions().values()) {
      functions.put(
          a.alias(),
          PinnedFunction.of(
              a.alias(), a.ref(), a.resolved().digest(), a.env(), a.resolved().abi(), a.export()));
    }
    ctx =
        new RunContext(
            new RunRef(RUN_ID, def.name(), 1),
            new Lease(RUN_ID, Lease.COORDINATOR, 1, 1, "test"),
            1,
            def,
            input,
            ndjson,
            new SpanRef(null, null),
            functions);
  }

  /**
   * The definition of {@code yaml}, parsed once: compiling its expressions takes far longer than
   * scheduling a run of it, and a definition is shared by every run of it, as in the catalog.
   */
  static WorkflowDefinition definition(String yaml) {
    return DEFINITIONS.computeIfAbsent(yaml, Definitions::parse);
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  // --- starting ----------------------------------------------------------------------------------

  /** Starts the run as new. */
  RecordingDispatcher start() {
    return resume(Map.of());
  }

  /** Starts the run again from the latest committed attempt of each item. */
  RecordingDispatcher resume(Map<ItemRef, RecordedAttempt> recorded) {
    return redrive(recorded, Set.of(), null);
  }

  /** Starts a redrive of the selected items ({@code rerun}) within {@code scope}. */
  RecordingDispatcher redrive(
      Map<ItemRef, RecordedAttempt> recorded, Set<ItemRef> rerun, RedriveScope scope) {
    run = new RunState(ctx, this, recorded, rerun, scope, null);
    run.start();
    write();
    return this;
  }

  /** Starts one partition of the run: these items of the steps that can be partitioned. */
  RecordingDispatcher partition(ItemRange range, Map<ItemRef, RecordedAttempt> recorded) {
    run =
        new RunState(
            ctx,
            this,
            recorded,
            Set.of(),
            null,
            new PartitionScope(range, Partitioning.of(ctx.definition).steps()));
    run.start();
    write();
    return this;
  }

  RunState run() {
    return run;
  }

  /** A committed attempt of an earlier life of the run; a success's output goes to the store. */
  RecordedAttempt recorded(String step, String key, int attempt, Outcome outcome) {
    return new RecordedAttempt(
        new ItemRef(step, key), attempt, Long.parseLong(key), outcome, span(step, key, attempt));
  }

  RecordedAttempt recordedSuccess(String step, String key, int attempt, String output) {
    return recorded(step, key, attempt, new Outcome.Succeeded(store(json(output))));
  }

  String store(JsonNode value) {
    Payload p = Payload.of(value);
    stored.put(p.digest(), value);
    return p.digest();
  }

  // --- playing the workers and the writer --------------------------------------------------------

  /** The attempts waiting for a worker, as {@code step/key#attempt}, in the order queued. */
  List<String> queued() {
    return queue.stream().map(RecordingDispatcher::name).toList();
  }

  static String name(ExecutionTask t) {
    return t.itemRef() + "#" + t.attempt();
  }

  List<ExecutionTask> queuedTasks() {
    return List.copyOf(queue);
  }

  /** Hands the queued attempt of an item to a worker, which counts it as running. */
  ExecutionTask take(String step, String key) {
    for (Iterator<ExecutionTask> it = queue.iterator(); it.hasNext(); ) {
      ExecutionTask t = it.next();
      if (t.itemRef().equals(new ItemRef(step, key))) {
        it.remove();
        t.step().executing.incrementAndGet();
        return t;
      }
    }
    return Assertions.fail(step + "/" + key + " is not queued; queued: " + queued());
  }

  /** The retry of an item, once its wait is over (the engine's timer queues it then). */
  ExecutionTask takeDelayed(String step, String key) {
    for (Iterator<Delayed> it = delayed.iterator(); it.hasNext(); ) {
      Delayed d = it.next();
      if (d.task().itemRef().equals(new ItemRef(step, key))) {
        it.remove();
        queue.add(d.task());
        return take(step, key);
      }
    }
    return Assertions.fail(step + "/" + key + " has no retry waiting");
  }

  ExecutionTask succeed(String step, String key, String output) {
    ExecutionTask t = take(step, key);
    succeed(t, output);
    return t;
  }

  void succeed(ExecutionTask t, String output) {
    JsonNode value = json(output);
    commit(t, new Outcome.Succeeded(store(value)), value);
  }

  ExecutionTask fail(String step, String key, FailureCode code) {
    ExecutionTask t = take(step, key);
    fail(t, code);
    return t;
  }

  void fail(ExecutionTask t, FailureCode code) {
    commit(t, new Outcome.Failed(code, code + " in " + name(t)), null);
  }

  /** The attempt is committed: the scheduler learns of it, then the writer drains. */
  void commit(ExecutionTask t, Outcome outcome, JsonNode output) {
    t.step().executing.decrementAndGet();
    run.committed(
        new AttemptRef(RUN_ID, t.itemRef(), t.attempt()),
        outcome,
        output,
        span(t.stepId(), t.itemKey(), t.attempt()));
    write();
  }

  /** Commits the checkpoints the scheduler recorded itself, in order, as the writer would. */
  private void write() {
    while (!unwritten.isEmpty()) {
      ExecutionRecord r = unwritten.poll();
      run.committed(r.attempt(), r.outcome(), null, null);
    }
  }

  private static String span(String step, String key, int attempt) {
    return "span-" + step + "/" + key + "#" + attempt;
  }

  // --- reading what happened ---------------------------------------------------------------------

  /** The outcome recorded without a call for an item, or null when there is none. */
  Outcome recordedOutcome(String step, String key) {
    Outcome found = null;
    for (ExecutionRecord r : records) {
      if (r.attempt().item().equals(new ItemRef(step, key))) {
        found = r.outcome();
      }
    }
    return found;
  }

  /** The items recorded without a call, as {@code step/key#attempt}, in order. */
  List<String> recordedItems() {
    return records.stream().map(r -> r.attempt().item() + "#" + r.attempt().number()).toList();
  }

  /** The run's one final update. */
  RunUpdate finished() {
    assertEquals(1, updates.size(), "final updates: " + updates);
    return updates.get(0);
  }

  // --- Dispatcher --------------------------------------------------------------------------------

  @Override
  public void execute(ExecutionTask task) {
    executed.add(task);
    queue.add(task);
  }

  @Override
  public void executeLater(ExecutionTask task, Duration delay) {
    delayed.add(new Delayed(task, delay));
  }

  @Override
  public void record(ExecutionRecord record) {
    records.add(record);
    unwritten.add(record);
  }

  @Override
  public String stepStarted(RunContext ctx, String step) {
    stepsStarted.add(step);
    return "span-" + step;
  }

  @Override
  public void stepFinished(RunContext ctx, String step, Map<String, Integer> counts) {
    stepsFinished.add(step);
  }

  @Override
  public void finish(RunContext ctx, RunUpdate update) {
    updates.add(update);
  }

  @Override
  public void partitionDone(RunContext ctx) {
    partitionsDone++;
  }

  @Override
  public Map<String, JsonNode> values(Collection<ValueAt> values) {
    Map<String, JsonNode> out = new HashMap<>();
    for (ValueAt v : values) {
      String d = v.digest();
      payloadReads.add(d);
      if (stored.containsKey(d)) {
        out.put(d, stored.get(d));
      }
    }
    return out;
  }
}
