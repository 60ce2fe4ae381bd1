package dev.taproot.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taproot.checkpoint.AttemptRef;
import dev.taproot.checkpoint.ItemRef;
import dev.taproot.checkpoint.LineageEdge;
import dev.taproot.checkpoint.RecordedAttempt;
import dev.taproot.checkpoint.ValueAt;
import dev.taproot.definition.ForEach;
import dev.taproot.expression.Bindings;
import dev.taproot.expression.CelValues;
import dev.taproot.expression.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an item of a live run is given: the values its input and expressions are built from, the
 * lineage edges of what it consumes, and the spans it links to. Reads a run's state under its lock;
 * outputs known only by digest are read from the payload store when first needed.
 */
final class ItemInputs {
  private final RunState run;
  private final RunContext ctx;
  private final Map<String, StepState> steps;
  private final Dispatcher dispatcher;
  private final RedriveScope scope;

  ItemInputs(
      RunState run, Map<String, StepState> steps, Dispatcher dispatcher, RedriveScope scope) {
    this.run = run;
    this.ctx = run.ctx;
    this.steps = steps;
    this.dispatcher = dispatcher;
    this.scope = scope;
  }

  /** An attempt ready for a worker, with every value its input is built from captured now. */
  ExecutionTask task(StepState s, ItemState item, int attempt) {
    Map<String, Object> stepValues = new HashMap<>();
    Map<ItemRef, String> recordedSpans = new HashMap<>();
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
              recordedSpans.put(new ItemRef(p.id(), e.key()), e.spanId());
            }
          }
          stepValues.put(p.id(), fanIn);
        }
        case RUN -> {}
      }
    }
    List<LineageEdge> distinct = new ArrayList<>(new LinkedHashSet<>(edges));
    return ExecutionTask.of(
        run,
        s,
        item,
        attempt,
        new ExecutionTask.Captured(
            itemValue(item),
            stepValues,
            distinct,
            upstreamSpans(distinct, recordedSpans),
            item.recordDigest));
  }

  /** The spans of the attempts whose values the edges name, for links in the trace. */
  private List<String> upstreamSpans(List<LineageEdge> edges, Map<ItemRef, String> recorded) {
    List<String> spans = new ArrayList<>();
    for (LineageEdge e : edges) {
      if (e.fromStep() == null) {
        continue;
      }
      ItemState from = steps.get(e.fromStep()).items.get(e.fromKey());
      String span =
          from != null ? from.spanId : recorded.get(new ItemRef(e.fromStep(), e.fromKey()));
      if (span != null) {
        spans.add(span);
      }
    }
    return spans;
  }

  /**
   * Where element i of a forEach list came from: the record of an upload, or an upstream output.
   */
  List<LineageEdge> originEdges(List<Reference> sources, int i) {
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

  /** Bindings for expressions evaluated here (forEach, when, output), on the current state. */
  Bindings bindings(ItemState item) {
    return new RunBindings(
        ctx, () -> item == null ? null : itemValue(item), this::stepsForExpression);
  }

  private Object stepsForExpression() {
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

  private Object celOutput(StepState p) {
    if (p.celOutput == null) {
      p.celOutput = CelValues.toCel(output(p.items.get("0")));
    }
    return p.celOutput;
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
    String digest = i.outputDigest();
    if (i.output == null && digest != null) {
      AttemptRef recordedBy = new AttemptRef(ctx.runId, new ItemRef(i.step, i.key), i.attempt);
      i.output = dispatcher.values(List.of(ValueAt.outputOf(recordedBy, digest))).get(digest);
      if (i.output == null) {
        throw new MissingPayloadException(ctx.runId, digest);
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
        entries.add(new FanIn.Entry(i.key, i.attempt, i.output, i.outputDigest(), i.spanId));
        orders.add(i.order);
      }
    }
    if (scope != null && !scope.wholeStep(p.id())) {
      List<FanIn.Entry> merged = new ArrayList<>();
      int next = 0;
      for (RecordedAttempt r : scope.recorded().succeeded(p.id())) {
        if (p.items.containsKey(r.key())) {
          continue;
        }
        while (next < entries.size() && orders.get(next) < r.order()) {
          merged.add(entries.get(next++));
        }
        merged.add(
            new FanIn.Entry(r.key(), r.attempt(), null, r.outcome().outputDigest(), r.spanId()));
      }
      merged.addAll(entries.subList(next, entries.size()));
      entries = merged;
    }
    return new FanIn(entries, dispatcher, ctx.runId, p.id());
  }
}
